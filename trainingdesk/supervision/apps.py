from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "trainingdesk.supervision"
    verbose_name = "Group supervision"

    def ready(self) -> None:
        from trainingdesk.lib.calendar import register_feed_source
        from trainingdesk.notifications import attachments
        from trainingdesk.notifications.reminders import register_source
        from trainingdesk.supervision import reminders
        from trainingdesk.supervision.feeds import render_group_schedule, sessions_for

        register_feed_source(sessions_for)  # members' and supervisors' calendar feeds
        register_source(reminders.sessions)  # members' reminders before each session
        attachments.register("supervision_schedule", render_group_schedule)  # on allocation
