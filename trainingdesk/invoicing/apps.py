from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "trainingdesk.invoicing"
    verbose_name = "Invoicing"

    def ready(self) -> None:
        from trainingdesk.invoicing import documents
        from trainingdesk.notifications import attachments

        attachments.register("invoice", documents.render_invoice_attachment)
