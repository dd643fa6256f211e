from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "trainingdesk.accounts"
    verbose_name = "People and organisations"

    def ready(self) -> None:
        from trainingdesk.accounts.roles import ensure_role_groups

        # Permissions exist only after every app has migrated; keep the role groups in step.
        post_migrate.connect(ensure_role_groups, dispatch_uid="trainingdesk_role_groups")
