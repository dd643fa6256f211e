from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "trainingdesk.supervision"
    verbose_name = "Group supervision"
