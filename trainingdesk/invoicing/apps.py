from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "trainingdesk.invoicing"
    verbose_name = "Invoicing"
