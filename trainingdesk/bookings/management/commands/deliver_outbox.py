from typing import Any

from django.core.management.base import BaseCommand

from trainingdesk.bookings.outbox import deliver_outbox


class Command(BaseCommand):
    help = "Send the emails waiting in the outbox (run every minute by the scheduler)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = deliver_outbox(limit=1000)
        self.stdout.write(f"Sent {sent} email(s).")
