from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "trainingdesk.privacy"
    verbose_name = "Privacy: data rights and retention"
