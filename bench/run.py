"""`make bench`: seed a large catalogue in a fresh database, serve it with gunicorn as production
would, load-test it, print a table and merge the measurements into bench/results/latest.json.

A benchmark is a scenario: a function registered with `@scenario(...)` that takes the `Bench`
(the seeded database, the server, the options) and returns its measurements. Scenarios run in
the order they are registered; one may name others it needs (a page needs the "hello" floor to
judge its throughput against) and the databases it makes sense on.

    .venv/bin/python -m bench.run --database sqlite --duration 3 --only catalogue
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import results
from bench.load import LoadResult, Request, RequestFactory, run_load
from bench.results import Measurement
from bench.seed import (
    POSTGRES_ADMIN_URL,
    Seeded,
    fresh_database,
    postgres_reachable,
    seed_catalogue,
    seed_confirmed_bookings,
    seed_coordinator,
    seed_marks,
    seed_people,
    seed_run,
)
from bench.server import PROJECT, Gunicorn, TrivialServer, default_workers
from bench.sessions import sign_in

# --- The registry -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    measure: Callable[[Bench], list[Measurement]]
    needs: tuple[str, ...] = ()
    databases: tuple[str, ...] = ("postgres", "sqlite")
    description: str = ""
    skip_note: str = ""  # why it runs only on `databases`


SCENARIOS: dict[str, Scenario] = {}


def scenario(
    name: str, *, needs: tuple[str, ...] = (), databases: tuple[str, ...] = ("postgres", "sqlite"),
    description: str = "", skip_note: str = "",
) -> Callable[[Callable[[Bench], list[Measurement]]], Callable[[Bench], list[Measurement]]]:
    def register(measure: Callable[[Bench], list[Measurement]]) -> Callable[[Bench], list[Measurement]]:
        SCENARIOS[name] = Scenario(name, measure, needs, databases, description, skip_note)
        return measure

    return register


@dataclass
class Bench:
    """What a scenario works with: the options, the seeded database and (started on first use)
    the server, plus the load results of the scenarios that ran before it."""

    options: argparse.Namespace
    database: str
    env: dict[str, str]
    seeded: Seeded
    loads: dict[str, LoadResult] = field(default_factory=dict)
    load_average: dict[str, float] = field(default_factory=dict)  # 1-minute, before each load
    _server: Gunicorn | None = None

    def server(self) -> Gunicorn:
        if self._server is None:
            self._server = Gunicorn(self.env, workers=self.options.workers,
                                    worker_class=self.options.worker_class,
                                    threads=self.options.threads)
            self._server.start()
        return self._server

    def load(self, name: str, request: Request | RequestFactory, **kwargs: Any) -> LoadResult:
        """Warm the server up on `request`, then measure it; kwargs go to `run_load`."""
        server = self.server()
        kwargs.setdefault("concurrency", self.options.concurrency)
        kwargs.setdefault("duration", self.options.duration)
        if self.options.warmup > 0:
            run_load(f"{name} warm-up", server.host, server.port, request,
                     **{**kwargs, "duration": self.options.warmup, "requests_per_client": None})
        return self.measure(name, request, **kwargs)

    def measure(self, name: str, request: Request | RequestFactory, **kwargs: Any) -> LoadResult:
        """Measure `request` on the server as it is, without warming it up first."""
        server = self.server()
        self.load_average[name] = os.getloadavg()[0]  # a busy machine makes every number low
        if self.load_average[name] > (os.cpu_count() or 1) / 2:
            print(f"  warning: the machine is busy before {name} (load average "
                  f"{self.load_average[name]:.1f} on {os.cpu_count()} cores)", file=sys.stderr)
        result = run_load(name, server.host, server.port, request, **kwargs)
        self.loads[name] = result
        if result.errors:
            print(f"  {result.errors} errors during {name}; the server's log ends:\n"
                  + "\n".join("    " + line for line in server.tail(25).splitlines()),
                  file=sys.stderr)
        if result.client_cpu_share > 0.85:
            print(f"  warning: the load generator used {result.client_cpu_share:.0%} of a core "
                  f"during {name}; it may have been the limit", file=sys.stderr)
        return result

    def context(self, result: LoadResult | None = None, **extra: Any) -> dict[str, Any]:
        """How a measurement was taken, recorded beside it."""
        context: dict[str, Any] = {
            "database": self.database, "workers": self.options.workers,
            "worker_class": self.options.worker_class
            + (f" x{self.options.threads} threads" if self.options.threads > 1 else ""),
            "cores": os.cpu_count(), "commit": _commit(),
            "conn_max_age": self.env.get("CONN_MAX_AGE", "as settings read it (60)"),
            "recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        if result is not None:
            context |= {
                "concurrency": result.concurrency, "seconds": round(result.elapsed, 2),
                "responses": result.responses, "connections": result.connections,
                "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
                "failures": result.failures,
                "client_cpu_share": round(result.client_cpu_share, 2),
            }
            if result.name in self.load_average:
                context["load_average_before"] = round(self.load_average[result.name], 2)
        return context | extra

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


def _commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT,
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head


# --- Pages against the floor -----------------------------------------------------------------

FLOOR = "hello"


def page_measurements(
    bench: Bench, subject: str, result: LoadResult, path: str, *, judged: bool = True
) -> list[Measurement]:
    """Throughput, median and 95th-percentile latency and errors of one page; its throughput is
    judged against a third of the hello floor's (unless `judged` is off: a reading only)."""
    context = bench.context(result, path=path)
    floor = bench.loads.get(FLOOR) if subject != FLOOR else None
    if not judged:
        throughput_goal, throughput_met = "a reading, no goal", None
    elif floor is None:
        throughput_goal, throughput_met = "floor: the same server answering /healthz/", None
    else:
        third = floor.ok_per_second / 3
        throughput_goal = f">= 1/3 of hello req/s ({third:.0f})"
        throughput_met = result.ok_per_second >= third and result.errors == 0
    return [
        Measurement(f"{subject}.req_per_s", round(result.ok_per_second, 1), "req/s",
                    throughput_goal, throughput_met, context),
        Measurement(f"{subject}.p50_ms", round(result.latency_ms(50), 2), "ms", "", None, context),
        Measurement(f"{subject}.p95_ms", round(result.latency_ms(95), 2), "ms", "", None, context),
        Measurement(f"{subject}.errors", result.errors, "responses", "0 errors",
                    result.errors == 0, context),
    ]


@scenario(FLOOR, description="/healthz/: the floor, the server and middleware with no app work")
def hello(bench: Bench) -> list[Measurement]:
    path = "/healthz/"
    return page_measurements(bench, FLOOR, bench.load(FLOOR, Request(path=path)), path)


@scenario("generator", needs=(FLOOR,),
          description="the load generator against a server that does nothing: its own ceiling")
def generator(bench: Bench) -> list[Measurement]:
    """If the generator could drive little more than the floor, the floor measured the generator.
    Run with the same clients and a new connection a request, as against gunicorn."""
    server = TrivialServer()
    server.start()
    try:
        result = run_load("generator", server.host, server.port, Request(path="/healthz/"),
                          concurrency=bench.options.concurrency,
                          duration=min(bench.options.duration, 3.0))
    finally:
        server.stop()
    floor = bench.loads[FLOOR].ok_per_second
    return [Measurement(
        "generator.req_per_s", round(result.ok_per_second, 1), "req/s",
        f">= 2 x hello req/s ({2 * floor:.0f}), so the generator is not the limit",
        result.ok_per_second >= 2 * floor and result.errors == 0, bench.context(result),
    )]


@scenario("catalogue", needs=(FLOOR,), description="/: every published run, grouped by level")
def catalogue(bench: Bench) -> list[Measurement]:
    path = "/"
    return page_measurements(bench, "catalogue", bench.load("catalogue", Request(path=path)), path)


@scenario("run_page", needs=(FLOOR,), description="/courses/runs/<id>/: one run, its days and prices")
def run_page(bench: Bench) -> list[Measurement]:
    """A run's page, as the issue asks: the one run a rush of visitors opens."""
    path = f"/courses/runs/{bench.seeded.run_ids[len(bench.seeded.run_ids) // 2]}/"
    return page_measurements(bench, "run_page", bench.load("run_page", Request(path=path)), path)


@scenario("run_pages_all", needs=(FLOOR,),
          description="/courses/runs/<id>/ walking all 1,000 runs: mostly pages not yet cached")
def run_pages_all(bench: Bench) -> list[Measurement]:
    """Every seeded run's page in turn: nearly every request misses the page cache, so this reads
    the cost of drawing a run page. A reading beside the goal, not judged against it."""
    ids = bench.seeded.run_ids
    requests = [Request(path=f"/courses/runs/{run_id}/") for run_id in ids]

    def next_run(client: int, sent: int) -> Request:  # each client walks the runs on its own
        return requests[(client * 97 + sent) % len(requests)]

    result = bench.load("run_pages_all", next_run)
    return page_measurements(bench, "run_pages_all", result,
                             "/courses/runs/<id>/ (each seeded run)", judged=False)


# --- Workflows: the booking rush, issuing confirmations, a register -------------------------


def _days_from_today(days: int) -> dt.date:
    return dt.date.today() + dt.timedelta(days=days)


@scenario("booking_rush", databases=("postgres",),
          skip_note="SQLite takes one writer at a time for the whole database, so a rush there "
                    "measures its file lock, not the row lock that keeps a run from overselling",
          description="N participants POST a booking for one run of C seats at the same moment")
def booking_rush(bench: Bench) -> list[Measurement]:
    """Every participant, signed in, submits the booking form once, all at once, through the
    server. Counted afterwards in the database: exactly C confirmed, the rest waitlisted, one
    invoice a confirmed seat with gapless numbers, one email a booking left in the outbox."""
    import uuid

    from django.urls import reverse

    from bench.checks import RushOutcome, number_run
    from trainingdesk.bookings.models import Booking, BookingStatus, Invoice, OutgoingEmail

    capacity, participants = bench.options.rush_capacity, bench.options.rush_participants
    run, option = seed_run(title="Booking rush", capacity=capacity, first_day=_days_from_today(60))
    people = seed_people(participants, prefix="rush")
    clients = sign_in(people)
    path = reverse("bookings:book", args=[run.pk])
    posts = []
    for client, person in zip(clients, people, strict=True):
        headers, body = client.form({
            "option": option.pk, "payer": "self", "billing_name": person.full_name,
            "billing_address": "1 Example Road\nLeeds", "billing_postcode": "LS1 1AA",
            "invoice_email": person.email, "submission_token": uuid.uuid4(),  # as the form would
        })
        posts.append(Request("POST", path, headers, body))
    emails_before = OutgoingEmail.objects.count()

    # Warm every worker on the booking form (a GET books nothing), then rush.
    server = bench.server()
    forms = [Request(path=path, headers=c.headers()) for c in clients]
    warm = run_load("booking_rush warm-up", server.host, server.port,
                    lambda n, i: forms[(n * 7 + i) % len(forms)], concurrency=4,
                    duration=bench.options.warmup)
    result = bench.measure("booking_rush", lambda n, _i: posts[n], concurrency=participants,
                           requests_per_client=1, expected_status=302)

    bookings = Booking.objects.filter(run=run)
    outcome = RushOutcome(
        capacity=capacity, participants=participants,
        confirmed=bookings.filter(status=BookingStatus.CONFIRMED).count(),
        waitlisted=bookings.filter(status=BookingStatus.WAITLISTED).count(),
    )
    invoices = list(Invoice.objects.filter(booking__run=run).values_list("number", flat=True))
    numbers = number_run(invoices, "INV-")
    emails = OutgoingEmail.objects.count() - emails_before
    waiting = OutgoingEmail.objects.filter(sent_at__isnull=True).count()
    made = bookings.count()
    context = bench.context(
        result, path=path, capacity=capacity, participants=participants,
        confirmed=outcome.confirmed, waitlisted=outcome.waitlisted, bookings=made,
        outcome_problems=outcome.problems, invoices=len(invoices),
        invoice_numbers=f"{numbers.first}..{numbers.last}", invoices_missing=numbers.missing,
        invoices_duplicated=numbers.duplicated, outbox_emails=emails, outbox_waiting=waiting,
        outbox_deliver_on_commit=bench.env["OUTBOX_DELIVER_ON_COMMIT"],
        warmup_errors=warm.errors,
    )
    gaps = len(numbers.missing) + len(numbers.duplicated) + abs(len(invoices) - outcome.confirmed)
    rate = result.ok / result.elapsed if result.elapsed else 0.0
    return [
        Measurement("booking_rush.bookings_per_second", round(rate, 1), "bookings/s",
                    ">= 50 bookings/s", rate >= 50 and result.errors == 0, context),
        Measurement("booking_rush.p50_ms", round(result.latency_ms(50), 1), "ms", "", None, context),
        Measurement("booking_rush.p95_ms", round(result.latency_ms(95), 1), "ms", "", None, context),
        Measurement("booking_rush.errors", result.errors, "responses", "0 errors",
                    result.errors == 0, context),
        Measurement("booking_rush.oversold", outcome.oversold, "bookings",
                    f"0 (exactly {outcome.expected_confirmed} confirmed, the rest waitlisted)",
                    outcome.oversold == 0 and not outcome.problems, context),
        Measurement("booking_rush.invoice_gaps", gaps, "numbers",
                    "0: one invoice a seat, numbers gapless", gaps == 0, context),
        Measurement("booking_rush.outbox_waiting", waiting, "emails",
                    f"{participants}: one a booking, none sent (no PDF) during the requests",
                    waiting == emails == made == participants, context),
    ]


@scenario("confirmations",
          description="issue the Attendance Confirmations of a past run of 1,000, then their PDFs")
def confirmations(bench: Bench) -> list[Measurement]:
    """In this process: the coordinator's "issue confirmations" for a whole run in one call,
    then every PDF as the outbox would render it; in one process first, and across a process
    for each core only when one process falls short of the goal."""
    from trainingdesk.attendance.documents import confirmation_pdf
    from trainingdesk.attendance.services import issue_confirmations

    size = bench.options.confirmations
    run, option = seed_run(title="Confirmations", capacity=size, first_day=_days_from_today(-70))
    bookings = seed_confirmed_bookings(run, option, seed_people(size, prefix="attendee"))
    seed_marks(bookings, list(run.days.all()))

    started = time.perf_counter()
    issued = issue_confirmations(bookings=bookings, notify=False)
    issue_seconds = time.perf_counter() - started
    issue_rate = len(issued) / issue_seconds
    context = bench.context(participants=size, issued=len(issued), seconds=round(issue_seconds, 2),
                            load_average_before=round(os.getloadavg()[0], 2))
    measurements = [Measurement(
        "confirmations.issued_per_second", round(issue_rate, 1), "confirmations/s",
        f"all {size} issued", len(issued) == size, context)]

    confirmation_pdf(issued[0])  # fonts and templates loaded before the clock starts
    load_average = os.getloadavg()[0]
    started = time.perf_counter()
    sizes = [len(confirmation_pdf(c)) for c in issued]
    one_seconds = time.perf_counter() - started
    one_rate = len(sizes) / one_seconds
    rate, processes, seconds = one_rate, 1, one_seconds
    cores = os.cpu_count() or 1
    if one_rate < PDF_GOAL and cores > 1:
        rate, seconds = _pdfs_in_processes(issued, cores)
        processes = cores
    context = bench.context(pdfs=len(issued), load_average_before=round(load_average, 2),
                            seconds=round(seconds, 2), processes=processes,
                            one_process_per_second=round(one_rate, 1),
                            mean_pdf_bytes=round(sum(sizes) / len(sizes)))
    return measurements + [
        Measurement("confirmations.pdfs_per_second_one_process", round(one_rate, 1), "PDFs/s",
                    "", None, context),
        Measurement("confirmations.pdfs_per_second", round(rate, 1), "PDFs/s",
                    f">= {PDF_GOAL} PDFs/s", rate >= PDF_GOAL, context),
    ]


PDF_GOAL = 200


def _pdf_bytes(confirmation: Any) -> int:
    from trainingdesk.attendance.documents import confirmation_pdf

    return len(confirmation_pdf(confirmation))


def _pdfs_in_processes(confirmations: list[Any], processes: int) -> tuple[float, float]:
    """PDFs a second across `processes` forked workers (started and warmed before timing, as a
    delivery worker lives on), and the seconds taken."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # no database connection shared with the children
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pool.map(_pdf_bytes, confirmations[:processes * 2], chunksize=1)
        started = time.perf_counter()
        pool.map(_pdf_bytes, confirmations, chunksize=25)
        seconds = time.perf_counter() - started
    return len(confirmations) / seconds, seconds


REGISTER_SIZES = (20, 200)


@scenario("register_page", needs=(FLOOR,),
          description="/attendance/days/<id>/: a day's register of 200, as the coordinator")
def register_page(bench: Bench) -> list[Measurement]:
    """A past day's register with 200 participants, most of them marked, served to the
    coordinator; and its queries counted in this process at 20 and at 200 participants."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    coordinator = seed_coordinator()
    signed_in = sign_in([coordinator])[0]
    paths = {}
    for size in REGISTER_SIZES:
        run, option = seed_run(title=f"Register of {size}", capacity=size,
                               first_day=_days_from_today(-14))
        bookings = seed_confirmed_bookings(run, option, seed_people(size, prefix=f"register{size}-"))
        day = run.days.get(number=1)
        seed_marks(bookings[: size * 3 // 4], [day], recorded_by=coordinator)
        paths[size] = reverse("attendance:register", args=[day.pk])

    queries = {}
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in.session_key
    for size, path in paths.items():
        client.get(path)  # the first request of a process loads what later ones reuse
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"the register of {size} answered {response.status_code}")
        queries[size] = len(captured)

    path = paths[REGISTER_SIZES[-1]]
    result = bench.load("register_page", Request(path=path, headers=signed_in.headers()))
    # The issue's goal for the register is its query count; its throughput is a reading (a
    # trainer opens it once a training day, and each mark then saves one row).
    measurements = page_measurements(bench, "register_page", result, path, judged=False)
    small, large = REGISTER_SIZES
    context = bench.context(queries=queries, paths=paths)
    return measurements + [
        Measurement(f"register_page.queries_{small}", queries[small], "queries", "", None, context),
        Measurement(f"register_page.queries_{large}", queries[large], "queries",
                    f"same as at {small} ({queries[small]})", queries[large] == queries[small],
                    context),
    ]


# --- Running it -------------------------------------------------------------------------------


def selected(only: list[str] | None) -> list[Scenario]:
    """The scenarios asked for and those they need, in registration order."""
    wanted = set(only or SCENARIOS)
    pending = list(wanted)
    while pending:
        for need in SCENARIOS[pending.pop()].needs:
            if need not in wanted:
                wanted.add(need)
                pending.append(need)
    return [s for name, s in SCENARIOS.items() if name in wanted]


def bench_environment(database_url: str, workdir: Path) -> dict[str, str]:
    """Production settings, as config/settings.py reads them, on plain HTTP at 127.0.0.1."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # No TLS in front of the bench server: no redirect to https, cookies sent over http.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",  # never mail anyone
        "LOG_LEVEL": "WARNING",
        # Emails (and the PDFs attached to them) wait in the outbox for `deliver_outbox`, as
        # with a scheduler in production: a request never renders a PDF.
        "OUTBOX_DELIVER_ON_COMMIT": "false",
    }


@contextmanager
def prepared(
    database: str, admin_url: str, conn_max_age: int | None = None,
) -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh database and a scratch folder, set up for Django in this process; removed after."""
    workdir = Path(tempfile.mkdtemp(prefix="trainingdesk-bench-"))
    try:
        with fresh_database(database, admin_url) as url:
            env = bench_environment(url, workdir)
            if conn_max_age is not None:
                env["CONN_MAX_AGE"] = str(conn_max_age)
            os.environ.update(env)
            try:
                yield url, env
            finally:
                from django.db import connections

                connections.close_all()  # before the database is dropped
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def print_table(measurements: list[Measurement]) -> None:
    """Pages in a grid, a row per subject and a column per metric; then every other
    measurement on a line of its own. Each with its goals and whether they were met."""
    labels = {"req_per_s": "req/s", "p50_ms": "p50 ms", "p95_ms": "p95 ms", "errors": "errors"}
    in_grid = [m for m in measurements if m.metric in labels]
    subjects: dict[str, dict[str, Measurement]] = {}
    for m in in_grid:
        subjects.setdefault(m.subject, {})[m.metric] = m
    metrics = list(dict.fromkeys(m.metric for m in in_grid))
    header = ["name", *(labels.get(m, m) for m in metrics), "goal", "met"]
    rows = []
    for subject, by_metric in subjects.items():
        judged = [m for m in by_metric.values() if m.goal]
        verdicts = [m.met for m in judged if m.met is not None]
        rows.append([
            subject,
            *(_number(by_metric[m].value) if m in by_metric else "" for m in metrics),
            "; ".join(m.goal for m in judged),
            ("yes" if all(verdicts) else "NO") if verdicts else "-",
        ])
    _print_rows(header, rows, numeric=range(1, len(metrics) + 1))
    others = [m for m in measurements if m.metric not in labels]
    if others:
        print()
        _print_rows(["name", "value", "unit", "goal", "met"], [
            [m.name, _number(m.value), m.unit, m.goal,
             "-" if m.met is None else ("yes" if m.met else "NO")]
            for m in others
        ], numeric=range(1, 2))


def _print_rows(header: list[str], rows: list[list[str]], numeric: range) -> None:
    if not rows:
        return
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for n, row in enumerate([header, *rows]):
        print("  ".join(str(cell).rjust(w) if i in numeric else str(cell).ljust(w)
                        for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def _number(value: float) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.1f}" if abs(value) >= 100 else f"{value:,.2f}"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["postgres", "sqlite"],
                        help="default: postgres when reachable at BENCH_POSTGRES_URL, else sqlite")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per page (8)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per page (2)")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--workers", type=int, default=default_workers(),
                        help=f"gunicorn sync workers ({default_workers()}: 2 x cores + 1)")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync",
                        help="gunicorn worker class (sync)")
    parser.add_argument("--threads", type=int, default=1, help="threads a gthread worker (1)")
    parser.add_argument("--conn-max-age", type=int, metavar="SECONDS",
                        help="CONN_MAX_AGE for the server (default: as settings read it, 60 "
                             "seconds unless set; 0 opens a database connection each request)")
    parser.add_argument("--rush-capacity", type=int, default=100,
                        help="seats on the booking rush's run (100)")
    parser.add_argument("--rush-participants", type=int, default=400,
                        help="participants rushing to book it, all at once (400)")
    parser.add_argument("--confirmations", type=int, default=1000,
                        help="participants on the confirmations scenario's run (1000)")
    parser.add_argument("--runs", type=int, default=1000, help="runs to seed (1000)")
    parser.add_argument("--only", action="extend", nargs="+", metavar="NAME",
                        help=f"scenarios to run, of: {', '.join(SCENARIOS)} (and what they need)")
    parser.add_argument("--output", type=Path, default=results.LATEST,
                        help="results file to merge into (bench/results/latest.json)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is not met")
    options = parser.parse_args(argv)
    if options.only:
        options.only = [name for item in options.only for name in item.split(",") if name]
        unknown = set(options.only) - set(SCENARIOS)
        if unknown:
            parser.error(f"unknown scenario {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(SCENARIOS)}")
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    admin_url = os.environ.get("BENCH_POSTGRES_URL", POSTGRES_ADMIN_URL)
    database = options.database or ("postgres" if postgres_reachable(admin_url) else "sqlite")
    scenarios = selected(options.only)
    print(f"bench: {database}, {options.workers} gunicorn workers, {options.concurrency} clients, "
          f"{options.duration:g}s a scenario after {options.warmup:g}s warm-up")

    with prepared(database, admin_url, options.conn_max_age) as (_url, env):
        import django
        from django.core.management import call_command

        django.setup()
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        seeded = seed_catalogue(runs=options.runs)
        print(f"seeded {seeded.runs:,} runs, {seeded.days:,} days, {seeded.options:,} options "
              f"in {time.perf_counter() - started:.1f}s")

        bench = Bench(options, database, env, seeded)
        measurements: list[Measurement] = []
        try:
            for s in scenarios:
                if database not in s.databases:
                    print(f"skipped {s.name}: runs on {' or '.join(s.databases)} only"
                          + (f" ({s.skip_note})" if s.skip_note else ""))
                    continue
                print(f"measuring {s.name}: {s.description}", flush=True)
                measurements += s.measure(bench)
        finally:
            bench.close()

    print()
    print_table(measurements)
    results.write(measurements, options.output)
    output = options.output.resolve()
    print(f"\nwrote {output.relative_to(PROJECT) if output.is_relative_to(PROJECT) else output}")
    missed = [m.name for m in measurements if m.met is False]
    if missed:
        print(f"goals not met: {', '.join(missed)}")
    return 1 if missed and options.strict else 0


if __name__ == "__main__":
    sys.exit(main())
