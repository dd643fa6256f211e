from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "trainingdesk.api"
    verbose_name = "API"
