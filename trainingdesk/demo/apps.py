from django.apps import AppConfig


class DemoConfig(AppConfig):
    """`manage.py load_demo`: the brochure's programme with people and records to try it with.
    It sits above every other app, since it uses them all."""

    name = "trainingdesk.demo"
    verbose_name = "Demo data"
