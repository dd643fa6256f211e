from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "trainingdesk.audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from trainingdesk.audit.log import latest_change
        from trainingdesk.lib import pagecache

        # Every change is audited, so the newest entry's id versions every public page.
        pagecache.answer_version_with(latest_change)
