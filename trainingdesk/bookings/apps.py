from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "trainingdesk.bookings"
    verbose_name = "Bookings and invoices"

    def ready(self) -> None:
        from trainingdesk.bookings import documents, outbox

        outbox.ATTACHMENT_RENDERERS["invoice"] = documents.render_invoice_attachment
        outbox.ATTACHMENT_RENDERERS["ics"] = documents.render_calendar_attachment
