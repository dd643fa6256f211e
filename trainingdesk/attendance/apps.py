from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "trainingdesk.attendance"
    verbose_name = "Attendance"

    def ready(self) -> None:
        from trainingdesk.attendance import documents, feeds, reminders, services
        from trainingdesk.attendance.issuer import ConfirmationIssuer
        from trainingdesk.bookings.services import when_a_run_is_cancelled
        from trainingdesk.lib import verification
        from trainingdesk.lib.calendar import register_feed_source
        from trainingdesk.notifications import attachments
        from trainingdesk.notifications.reminders import register_source

        attachments.register("confirmation", documents.render_confirmation_attachment)
        verification.register(ConfirmationIssuer())  # the public page finds confirmations
        when_a_run_is_cancelled(services.MakeUpDaysOnACancelledRun())
        register_feed_source(feeds.make_up_days)
        register_source(reminders.make_up_days)
