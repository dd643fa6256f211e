"""How long a person's calendar feed takes to answer (issue 10: a feed with 2 years of sessions
renders in under 20 ms).

A measurement, not a test: it makes a fresh SQLite database (or uses DATABASE_URL) and PEOPLE
participants, each booked (through the booking service) on 15 runs of 4 days spread over two
years: 60 training days; a source registered here, as supervision's will be, adds 12 two-hour
sessions every 2 months. Each person makes their feed; a first fetch records every entry's
version; then each is fetched FETCHES times through Django's test client and the real middleware
(rate limit, token look-up, the sources' queries, SEQUENCE, the .ics), within the feed's rate
limit of 10 a minute.

    .venv/bin/python -m bench.calendar_feed            # prints each fetch
    .venv/bin/python -m bench.calendar_feed --json     # ends with one line of JSON (make bench)
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
from pathlib import Path

PEOPLE, FETCHES, RUNS, DAYS_A_RUN, SESSIONS = 3, 9, 15, 4, 12
START = dt.date(2027, 1, 11)  # the first run's Day 1; "now" is a month before


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true",
                        help="end with one line of JSON: the timings (make bench reads it)")
    options = parser.parse_args()
    folder = None
    if "DATABASE_URL" not in os.environ:
        folder = Path(tempfile.mkdtemp(prefix="feed-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        result = _measure()
        if options.json:
            print(json.dumps(result))
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _measure() -> dict[str, object]:
    from decimal import Decimal

    import time_machine
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from tests.factories import CourseRunFactory, PriceOptionFactory, UserFactory, VatRateFactory
    from trainingdesk.accounts import feeds
    from trainingdesk.accounts.models import User
    from trainingdesk.bookings.services import PayerDetails, book
    from trainingdesk.lib.calendar import CalendarEntry, register_feed_source

    setup_test_environment()
    now = dt.datetime.combine(START - dt.timedelta(days=30), dt.time(9), tzinfo=dt.UTC)
    VatRateFactory()
    runs = []
    for n in range(RUNS):
        first = START + dt.timedelta(weeks=7 * n)
        run = CourseRunFactory(title=f"Run {n + 1}", capacity=PEOPLE + 1,
                               days=[first + dt.timedelta(days=d) for d in range(DAYS_A_RUN)])
        runs.append((run, PriceOptionFactory(run=run, net_amount=Decimal("500"))))

    def sessions(user: User) -> list[CalendarEntry]:  # supervision's sessions, as they will come
        first = dt.datetime.combine(START + dt.timedelta(weeks=4), dt.time(18), tzinfo=dt.UTC)
        return [CalendarEntry(uid=f"supervision-{user.pk}-{n}@trainingdesk",
                              title=f"Group supervision, session {n + 1}",
                              starts_at=first + dt.timedelta(weeks=8 * n),
                              finishes_at=first + dt.timedelta(weeks=8 * n, hours=2),
                              location="https://zoom.us/j/987", url="https://zoom.us/j/987")
                for n in range(SESSIONS)]

    register_feed_source(sessions)
    client, timings, sizes, urls = Client(), [], set(), []
    for p in range(PEOPLE):
        person = UserFactory(email=f"p{p}@example.org", full_name=f"Person {p}")
        payer = PayerDetails(billing_name=person.full_name, billing_address="1 High Street",
                             billing_postcode="LS1 1AA", invoice_email=person.email)
        for run, option in runs:
            book(participant=person, run_id=run.pk, option_id=option.pk, payer=payer, now=now)
        urls.append(reverse("calendar_feed", args=[feeds.create_feed(user=person, now=now)]))
    with time_machine.travel(now, tick=True):
        for url in urls:
            first = client.get(url)  # records each entry's version: the one fetch that writes
            assert first.status_code == 200, first.status_code
            events = first.content.count(b"BEGIN:VEVENT")
            assert events == RUNS * DAYS_A_RUN + SESSIONS, events
            for _ in range(FETCHES):
                started = time.perf_counter()
                response = client.get(url)
                timings.append(round((time.perf_counter() - started) * 1000, 2))
                assert response.status_code == 200, response.status_code
                sizes.add(len(response.content))
                print(f"feed of {events} events, {len(response.content):,} bytes: "
                      f"{timings[-1]:6.2f} ms", flush=True)
    print(f"median {statistics.median(timings):.2f} ms, max {max(timings):.2f} ms "
          f"({len(timings)} fetches)")
    return {"timings_ms": timings, "events": RUNS * DAYS_A_RUN + SESSIONS,
            "bytes": max(sizes), "people": PEOPLE}


if __name__ == "__main__":
    sys.exit(main())
