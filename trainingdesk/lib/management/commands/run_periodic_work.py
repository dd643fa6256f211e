from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from trainingdesk.lib.periodic import run_all


class Command(BaseCommand):
    help = ("Run the periodic work once: waitlist offers that have expired, emails due another try, "
            "old rate-limit counts. Run it every minute (cron or a systemd timer); two copies at "
            "once do each thing once.")

    def handle(self, *args: Any, **options: Any) -> None:
        results = run_all(timezone.now())
        for name, done in results.items():
            self.stdout.write(f"{name}: {done}")
        failed = [name for name, done in results.items() if isinstance(done, str)]
        if failed:  # the timer's log shows it; the other jobs have still run
            raise CommandError(f"Periodic work failed: {', '.join(failed)}")
