from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "trainingdesk.notifications"
    label = "notifications"
    verbose_name = "Emails"

    def ready(self) -> None:
        from trainingdesk.lib import periodic
        from trainingdesk.notifications import reminders, services

        periodic.register("notifications.enqueue_stalled_emails",
                          lambda now: services.enqueue_stalled(now=now))
        periodic.register("notifications.forget_finished_tasks",
                          lambda now: services.forget_finished_tasks(now=now))
        periodic.register("notifications.send_reminders", reminders.send_reminders)
