"""Periodic work: each app names its jobs here (in its AppConfig.ready), and
`manage.py run_periodic_work`, run every minute by cron or a systemd timer, runs them all.

Every job must be idempotent and safe to run twice at once: it takes the rows it acts on under a
lock (or claims them), so two copies of the command running together do each thing once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

Job = Callable[[dt.datetime], int]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    run: Job  # given the time, returns how many things it did


JOBS: dict[str, PeriodicJob] = {}


def register(name: str, run: Job) -> None:
    JOBS[name] = PeriodicJob(name=name, run=run)


def run_all(now: dt.datetime) -> dict[str, int | str]:
    """Run every job once; one job failing does not stop the others (it is logged and reported)."""
    done: dict[str, int | str] = {}
    for name in sorted(JOBS):
        try:
            done[name] = JOBS[name].run(now)
        except Exception as exc:  # noqa: BLE001 - reported, and the next minute tries again
            log.exception("Periodic job %s failed", name)
            done[name] = f"failed: {exc!r}"
    return done
