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
from bench.seed import POSTGRES_ADMIN_URL, Seeded, fresh_database, postgres_reachable, seed_catalogue
from bench.server import PROJECT, Gunicorn, TrivialServer, default_workers

# --- The registry -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    measure: Callable[[Bench], list[Measurement]]
    needs: tuple[str, ...] = ()
    databases: tuple[str, ...] = ("postgres", "sqlite")
    description: str = ""


SCENARIOS: dict[str, Scenario] = {}


def scenario(
    name: str, *, needs: tuple[str, ...] = (), databases: tuple[str, ...] = ("postgres", "sqlite"),
    description: str = "",
) -> Callable[[Callable[[Bench], list[Measurement]]], Callable[[Bench], list[Measurement]]]:
    def register(measure: Callable[[Bench], list[Measurement]]) -> Callable[[Bench], list[Measurement]]:
        SCENARIOS[name] = Scenario(name, measure, needs, databases, description)
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
            self._server = Gunicorn(self.env, workers=self.options.workers)
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
            "cores": os.cpu_count(), "commit": _commit(),
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
    bench: Bench, subject: str, result: LoadResult, path: str
) -> list[Measurement]:
    """Throughput, median and 95th-percentile latency and errors of one page; its throughput is
    judged against a third of the hello floor's."""
    context = bench.context(result, path=path)
    floor = bench.loads.get(FLOOR) if subject != FLOOR else None
    if floor is None:
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
    ids = bench.seeded.run_ids
    requests = [Request(path=f"/courses/runs/{run_id}/") for run_id in ids]

    def next_run(client: int, sent: int) -> Request:  # each client walks the runs on its own
        return requests[(client * 97 + sent) % len(requests)]

    result = bench.load("run_page", next_run)
    return page_measurements(bench, "run_page", result, "/courses/runs/<id>/ (each seeded run)")


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
    }


@contextmanager
def prepared(database: str, admin_url: str) -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh database and a scratch folder, set up for Django in this process; removed after."""
    workdir = Path(tempfile.mkdtemp(prefix="trainingdesk-bench-"))
    try:
        with fresh_database(database, admin_url) as url:
            env = bench_environment(url, workdir)
            os.environ.update(env)
            try:
                yield url, env
            finally:
                from django.db import connections

                connections.close_all()  # before the database is dropped
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def print_table(measurements: list[Measurement]) -> None:
    """One row per subject; a column per metric; the goals with their verdicts."""
    labels = {"req_per_s": "req/s", "p50_ms": "p50 ms", "p95_ms": "p95 ms", "errors": "errors"}
    subjects: dict[str, dict[str, Measurement]] = {}
    for m in measurements:
        subjects.setdefault(m.subject, {})[m.metric] = m
    metrics = list(dict.fromkeys(m.metric for m in measurements))
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
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for n, row in enumerate([header, *rows]):
        print("  ".join(str(cell).rjust(w) if 0 < i < len(metrics) + 1 else str(cell).ljust(w)
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

    with prepared(database, admin_url) as (_url, env):
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
                    print(f"skipped {s.name}: runs on {' or '.join(s.databases)} only")
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
