from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "trainingdesk.bookings"
    verbose_name = "Bookings and invoices"

    def ready(self) -> None:
        from trainingdesk.bookings import documents, feeds, reminders, selectors, services
        from trainingdesk.catalogue import seats
        from trainingdesk.lib import periodic
        from trainingdesk.lib.calendar import register_feed_source
        from trainingdesk.notifications import attachments
        from trainingdesk.notifications.reminders import register_source

        seats.answer_with(selectors.seats_taken_on)
        attachments.register("ics", documents.render_calendar_attachment)
        register_feed_source(feeds.training_days)
        register_source(reminders.training_days)
        periodic.register("bookings.expire_waitlist_offers", lambda now: services.expire_offers(now=now))
