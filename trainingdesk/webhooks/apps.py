from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "trainingdesk.webhooks"
    verbose_name = "Webhooks"
