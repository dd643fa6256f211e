"""When to try a failed email again: a pure rule, tested without a database.

After 1 minute, 5 minutes, 30 minutes and 2 hours, then every few hours, until the retry window
(at least a day) has passed since the email was queued; after that it is marked failed.
"""

from __future__ import annotations

import datetime as dt

FIRST_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
)


def next_attempt_at(
    *, queued_at: dt.datetime, failed_at: dt.datetime, attempts: int,
    every: dt.timedelta, window: dt.timedelta,
) -> dt.datetime | None:
    """The time of the next try after the `attempts`-th try failed at `failed_at`; None when
    the window that began at `queued_at` has run out and the email is to be marked failed."""
    if failed_at - queued_at >= window:
        return None
    delay = FIRST_DELAYS[attempts - 1] if 0 < attempts <= len(FIRST_DELAYS) else every
    return failed_at + delay
