from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "trainingdesk.privacy"
    verbose_name = "Privacy: data rights and retention"

    def ready(self) -> None:
        from trainingdesk.lib import periodic
        from trainingdesk.privacy import services

        periodic.register("privacy.apply_retention", services.apply_retention)
        periodic.register("privacy.delete_leftover_files", services.delete_leftover_files)
