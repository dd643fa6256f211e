from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "trainingdesk.lib"
    label = "lib"
    verbose_name = "Shared tools"
