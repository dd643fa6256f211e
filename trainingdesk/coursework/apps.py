from django.apps import AppConfig


class CourseworkConfig(AppConfig):
    name = "trainingdesk.coursework"
    verbose_name = "Coursework and assessment"
