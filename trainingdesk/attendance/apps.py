from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "trainingdesk.attendance"
    verbose_name = "Attendance"

    def ready(self) -> None:
        from trainingdesk.attendance import documents
        from trainingdesk.notifications import attachments

        attachments.register("confirmation", documents.render_confirmation_attachment)
