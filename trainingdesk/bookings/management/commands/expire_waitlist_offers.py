from typing import Any

from django.core.management.base import BaseCommand

from trainingdesk.bookings.services import expire_offers


class Command(BaseCommand):
    help = "Pass expired waitlist offers to the next in line (run every few minutes)."

    def handle(self, *args: Any, **options: Any) -> None:
        expired = expire_offers()
        self.stdout.write(f"{expired} offer(s) expired.")
