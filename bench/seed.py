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
