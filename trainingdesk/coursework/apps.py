from django.apps import AppConfig


class CourseworkConfig(AppConfig):
    name = "trainingdesk.coursework"
    verbose_name = "Coursework and assessment"

    def ready(self) -> None:
        from trainingdesk.coursework import reminders, services
        from trainingdesk.lib import periodic
        from trainingdesk.notifications.reminders import register_source

        register_source(reminders.deadlines, leads=reminders.LEADS)  # 3 months, 1 month, 1 week
        # Everyone who holds the confirmations gets their portfolio (and so its reminders).
        periodic.register("coursework.open_portfolios",
                          lambda now: services.open_due_portfolios(now=now))
