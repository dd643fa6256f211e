from typing import Any

from django.core.management.base import BaseCommand

from trainingdesk.catalogue import demo


class Command(BaseCommand):
    help = "Load the brochure's NVR Certificate Course, its Summer 2022 run and upcoming runs."

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = demo.load_demo()
        self.stdout.write(self.style.SUCCESS(
            f"Loaded {loaded.programme.name}: {loaded.summer_2022} and "
            f"{len(loaded.upcoming)} upcoming runs."
        ))
        self.stdout.write(
            "\n  Coordinator login:  http://127.0.0.1:8000/back-office/\n"
            f"    email:    {demo.COORDINATOR_EMAIL}\n"
            f"    password: {demo.COORDINATOR_PASSWORD}\n"
            f"  Participant login:  {demo.PARTICIPANT_EMAIL} / {demo.DEMO_PASSWORD}\n"
            f"  Trainer login:      {demo.TRAINER_EMAIL} / {demo.DEMO_PASSWORD}\n"
        )
