"""How long a large Zoom participant report takes to upload, preview and save (issue 8).

A measurement, not a test: it makes a fresh SQLite database (or uses DATABASE_URL), a run of 30
people with one trainer, and a report of ROWS rows (each participant joins twice, from two
devices, the trainer and host once, and everyone else is a guest nobody on the register is),
then times, through Django's test client and the real middleware:

- the upload (parsing and storing the preview),
- the preview page (matching, verdicts, rendering),
- the save (every mark at once).

    .venv/bin/python -m bench.zoom_preview            # 20,000 rows
    .venv/bin/python -m bench.zoom_preview --rows 5000 --repeat 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path


def report(rows: int, emails: list[str]) -> bytes:
    lines = ["Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants",
             "812 3456 7890,NVR Day 1,06/21/2022 09:15:03 AM,06/21/2022 04:41:10 PM,"
             f"host@example.org,326,{rows}", "",
             "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest"]
    lines.append("Host,host@example.org,06/21/2022 09:15:00 AM,06/21/2022 04:41:00 PM,446,No")
    lines.append("Tom Trainer,tom@example.org,06/21/2022 09:20:00 AM,06/21/2022 04:40:00 PM,440,No")
    for n, email in enumerate(emails):  # two devices, overlapping
        lines.append(f"Person {n},{email},06/21/2022 09:28:00 AM,06/21/2022 04:31:00 PM,423,No")
        lines.append(f"Person {n} (phone),{email},06/21/2022 10:00:00 AM,06/21/2022 11:00:00 AM,60,No")
    for n in range(rows - len(lines) + 4):
        minute = n % 50
        lines.append(f"Guest {n},guest{n}@elsewhere.example,06/21/2022 09:{minute + 10:02}:00 AM,"
                     f"06/21/2022 03:{minute + 10:02}:00 PM,360,Yes")
    return ("\r\n".join(lines) + "\r\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true",
                        help="end with one line of JSON: each step's timings (make bench reads it)")
    options = parser.parse_args()

    folder = None
    if "DATABASE_URL" not in os.environ:
        folder = Path(tempfile.mkdtemp(prefix="zoom-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        timings = _measure(options.rows, options.repeat)
        if options.json:
            print(json.dumps(timings))
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _measure(rows: int, repeat: int) -> dict[str, list[float]]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from tests.attendance.conftest import DAYS, booked
    from tests.factories import (
        CourseRunFactory,
        LevelFactory,
        PriceOptionFactory,
        UserFactory,
        VatRateFactory,
    )
    from trainingdesk.accounts.models import Role
    from trainingdesk.accounts.roles import grant_role
    from trainingdesk.catalogue.models import TrainingDay

    setup_test_environment()
    VatRateFactory()
    trainer = UserFactory(full_name="Tom Trainer", email="tom@example.org")
    grant_role(trainer, Role.TRAINER)
    coordinator = UserFactory(full_name="Cora Coordinator", email="cora@example.org")
    grant_role(coordinator, Role.COORDINATOR)
    run = CourseRunFactory(level=LevelFactory(days_required=4), capacity=30, days=DAYS,
                           booking_closes_at=dt.datetime(2022, 6, 14, tzinfo=dt.UTC))
    run.trainers.add(trainer)
    option = PriceOptionFactory(run=run, net_amount=Decimal("500"))
    people = [booked(run, option, UserFactory(email=f"p{n}@example.org")) for n in range(30)]
    day = TrainingDay.objects.get(run=run, number=1)
    data = report(rows, [b.participant.email for b in people])
    print(f"{rows:,} rows, {len(data) / 1024 / 1024:.1f} MB; register of {len(people)}")

    import time_machine

    client = Client()
    client.force_login(coordinator)
    timings: dict[str, list[float]] = {"upload": [], "preview": [], "save": []}
    with time_machine.travel(dt.datetime(2022, 9, 16, 9, tzinfo=dt.UTC), tick=True):
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.post(reverse("attendance:zoom_upload", args=[day.pk]), {
                "report": SimpleUploadedFile("report.csv", data, content_type="text/csv"),
                "zone": "Europe/London"})
            timings["upload"].append(time.perf_counter() - start)
            print(f"upload  {timings['upload'][-1]:6.2f} s", flush=True)
            assert response.status_code == 302, (response.status_code, response.content[:2000])
            location = response["Location"]
            start = time.perf_counter()
            response = client.get(location)
            timings["preview"].append(time.perf_counter() - start)
            print(f"preview {timings['preview'][-1]:6.2f} s", flush=True)
            assert response.status_code == 200, response.status_code
            fields = _fields(response)
            start = time.perf_counter()
            response = client.post(location, {**fields, "action": "confirm"})
            timings["save"].append(time.perf_counter() - start)
            print(f"save    {timings['save'][-1]:6.2f} s", flush=True)
            assert response.status_code == 302, (response.status_code, response.content[:2000])
    for name, values in timings.items():
        print(f"{name:8} median {statistics.median(values):6.2f} s   "
              f"max {max(values):6.2f} s   ({len(values)} runs)")
    return timings


def _fields(response: object) -> dict[str, str]:
    """What the preview form posts as it stands, as a browser would: every field as shown."""
    form = response.context["form"]  # type: ignore[attr-defined]
    return {name: str(form[name].value() or "") for name in form.fields}


if __name__ == "__main__":
    sys.exit(main())
