"""A fresh database for the benchmark, and a large catalogue in it.

`fresh_database` makes an empty PostgreSQL database (`trainingdesk_bench`, dropped first if a
previous run left it) or a SQLite file in a temporary folder, and removes it afterwards.
`seed_catalogue` loads the brochure's programme, then bulk-creates many published runs with
their days and price options, spread over six-day levels and the coming years.

Only `seed_catalogue` needs Django set up; `fresh_database` must run before, since the
database's URL goes into the environment that settings read.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BENCH_DATABASE = "trainingdesk_bench"


def postgres_reachable(admin_url: str = POSTGRES_ADMIN_URL) -> bool:
    import psycopg

    try:
        with psycopg.connect(admin_url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@contextmanager
def fresh_database(kind: str, admin_url: str = POSTGRES_ADMIN_URL) -> Iterator[str]:
    """Yield the URL of a new, empty database of `kind` ("postgres" or "sqlite"); drop it on exit."""
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="trainingdesk-bench-db-"))
        try:
            yield f"sqlite:///{folder / 'bench.sqlite3'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    if kind != "postgres":
        raise ValueError(f"unknown database kind {kind!r}")
    import psycopg
    from psycopg import sql

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            # FORCE ends the server's leftover connections; the bench's own are closed first.
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(BENCH_DATABASE)))

    drop()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DATABASE)))
    base, _, _ = admin_url.rpartition("/")
    try:
        yield f"{base}/{BENCH_DATABASE}"
    finally:
        drop()


@dataclass(frozen=True)
class Seeded:
    run_ids: list[int]  # the bench's runs, in the order created
    runs: int  # every run in the database, the demo's included
    days: int
    options: int


BENCH_LEVELS = 4  # six-day levels added beside the brochure's Advanced level


def seed_catalogue(
    *, runs: int = 1000, days_per_run: int = 6, options_per_run: int = 3,
    today: dt.date | None = None,
) -> Seeded:
    """The brochure's programme, then `runs` published runs bulk-created over six-day levels."""
    from django.db import transaction

    from trainingdesk.catalogue.demo import load_demo
    from trainingdesk.catalogue.models import (
        Audience,
        CourseRun,
        Delivery,
        Level,
        PriceOption,
        Programme,
        RunStatus,
        TrainingDay,
    )
    from trainingdesk.lib.zones import UK, aware

    today = today or dt.date.today()
    demo = load_demo(today=today)
    with transaction.atomic():
        programme = Programme.objects.create(
            provider=demo.programme.provider, name="Bench Programme", slug="bench-programme",
            summary="A large programme made up for the benchmark.",
        )
        levels = [demo.advanced] + [
            Level.objects.create(
                programme=programme, name=f"Bench level {n}", slug=f"bench-level-{n}",
                position=n, accreditation=f"Bench Level {n}", days_required=days_per_run,
                summary="A six-day level made up for the benchmark.",
                contents="Topic one\nTopic two\nTopic three",
            )
            for n in range(1, BENCH_LEVELS + 1)
        ]
        first = today + dt.timedelta(days=28)
        new_runs = []
        for i in range(runs):
            start = first + dt.timedelta(days=i)  # one run starting each day, for ~3 years
            online = i % 3 != 0
            new_runs.append(CourseRun(
                level=levels[i % len(levels)], title=f"Bench run {i + 1}",
                status=RunStatus.PUBLISHED,
                delivery=Delivery.ONLINE if online else Delivery.VENUE,
                platform="Zoom" if online else "",
                venue_name="" if online else "Conference Centre",
                venue_address="" if online else "1 Example Road\nLeeds\nLS1 1AA",
                joining_link="https://zoom.us/j/0000000000?pwd=bench" if online else "",
                capacity=24, time_zone=UK,
                booking_closes_at=aware(start - dt.timedelta(days=7), dt.time(17, 0), UK),
                notes="Made up for the benchmark.",
            ))
        created = CourseRun.objects.bulk_create(new_runs, batch_size=500)
        TrainingDay.objects.bulk_create(
            (
                TrainingDay(
                    run=run, number=n,
                    date=first + dt.timedelta(days=i, weeks=n - 1),  # weekly from the first
                    arrival_time=dt.time(9, 0), start_time=dt.time(9, 30),
                    finish_time=dt.time(16, 30), break_minutes=60,
                )
                for i, run in enumerate(created)
                for n in range(1, days_per_run + 1)
            ),
            batch_size=1000,
        )
        option_kinds = [
            ("With group supervision", "Six days of training and 12 hours of group supervision",
             Decimal("990.00"), 12, None),
            ("Training only", "Six days of training, no supervision",
             Decimal("750.00"), 0, None),
            ("Early rate", "Six days of training, booked at least eight weeks ahead",
             Decimal("675.00"), 0, -56),
        ]
        PriceOption.objects.bulk_create(
            (
                PriceOption(
                    run=run, position=position, name=name, description=description,
                    net_amount=amount, supervision_hours=hours, audience=Audience.EVERYONE,
                    available_until=(first + dt.timedelta(days=i + until)) if until else None,
                )
                for i, run in enumerate(created)
                for position, (name, description, amount, hours, until)
                in enumerate(option_kinds[:options_per_run], start=1)
            ),
            batch_size=1000,
        )
    return Seeded(
        run_ids=[run.pk for run in created],
        runs=CourseRun.objects.count(),
        days=TrainingDay.objects.count(),
        options=PriceOption.objects.count(),
    )


# --- People, and runs for the workflow scenarios ----------------------------------------------

BENCH_PASSWORD = "bench-password-not-for-logging-in"  # noqa: S105 - sessions are made directly


def seed_people(count: int, *, prefix: str) -> list[Any]:
    """`count` participants, bulk-created with one password hash made once (hashing 400
    passwords would take longer than the benchmark)."""
    from django.contrib.auth.hashers import make_password

    from trainingdesk.accounts.models import User

    password = make_password(BENCH_PASSWORD)
    return User.objects.bulk_create(
        [User(email=f"{prefix}{n}@bench.example.org",
              full_name=f"{prefix.title()} Participant {n}", password=password)
         for n in range(1, count + 1)],
        batch_size=1000,
    )


def seed_coordinator() -> Any:
    from trainingdesk.accounts.models import Role, User
    from trainingdesk.accounts.roles import grant_role

    user = User.objects.create_user(email="coordinator@bench.example.org",
                                    full_name="Bench Coordinator", password=BENCH_PASSWORD)
    grant_role(user, Role.COORDINATOR)
    return user


def seed_run(
    *, title: str, capacity: int, first_day: dt.date, days: int = 6, net: Decimal = Decimal("750.00"),
) -> tuple[Any, Any]:
    """A published online run on the first bench level, with `days` weekly days from
    `first_day` and one price option; booking closes a week before it starts."""
    from trainingdesk.catalogue.models import (
        CourseRun,
        Delivery,
        Level,
        PriceOption,
        RunStatus,
        TrainingDay,
    )
    from trainingdesk.lib.zones import UK, aware

    level = Level.objects.get(slug="bench-level-1")
    run = CourseRun.objects.create(
        level=level, title=title, status=RunStatus.PUBLISHED, delivery=Delivery.ONLINE,
        platform="Zoom", joining_link="https://zoom.us/j/0000000000?pwd=bench",
        capacity=capacity, time_zone=UK,
        booking_closes_at=aware(first_day - dt.timedelta(days=7), dt.time(17, 0), UK),
    )
    TrainingDay.objects.bulk_create(
        TrainingDay(run=run, number=n, date=first_day + dt.timedelta(weeks=n - 1),
                    arrival_time=dt.time(9, 0), start_time=dt.time(9, 30),
                    finish_time=dt.time(16, 30), break_minutes=60)
        for n in range(1, days + 1)
    )
    option = PriceOption.objects.create(
        run=run, position=1, name="Training only", description="Six days of training",
        net_amount=net, supervision_hours=0,
    )
    return run, option


def seed_confirmed_bookings(run: Any, option: Any, people: list[Any]) -> list[Any]:
    """A confirmed booking for each person at the option's price (20% VAT), bulk-created as
    `bookings.services.book` would have left them, without invoices."""
    from django.utils import timezone

    from trainingdesk.bookings.models import Booking, BookingStatus, Payer, new_reference

    now = timezone.now()
    net = option.net_amount
    vat = (net * Decimal("0.20")).quantize(Decimal("0.01"))
    return Booking.objects.bulk_create(
        [Booking(reference=new_reference(), run=run, participant=person, option=option,
                 status=BookingStatus.CONFIRMED, option_name=option.name, unit_net=net,
                 vat_rate=Decimal("20.00"), net=net, vat=vat, gross=net + vat,
                 payer=Payer.SELF, billing_name=person.full_name,
                 billing_address="1 Example Road\nLeeds", billing_postcode="LS1 1AA",
                 invoice_email=person.email, created_at=now, confirmed_at=now)
         for person in people],
        batch_size=1000,
    )


def seed_marks(bookings: list[Any], days: list[Any], *, recorded_by: Any = None) -> int:
    """A "present" mark for each booking on each of `days`."""
    from django.utils import timezone

    from trainingdesk.attendance.models import AttendanceMark, MarkStatus

    now = timezone.now()
    return len(AttendanceMark.objects.bulk_create(
        (AttendanceMark(day=day, booking=booking, status=MarkStatus.PRESENT, recorded_by=recorded_by,
                        recorded_at=now)
         for booking in bookings for day in days),
        batch_size=2000,
    ))
