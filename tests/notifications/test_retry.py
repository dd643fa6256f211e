"""When a failed email is tried again: a pure rule, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from trainingdesk.notifications.retry import next_attempt_at

QUEUED = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
EVERY = dt.timedelta(hours=4)
WINDOW = dt.timedelta(hours=26)


def _schedule() -> list[dt.timedelta]:
    """Offsets from queuing of every try of an email that never goes, the first at once."""
    tries, at, attempts = [dt.timedelta(0)], QUEUED, 0
    while True:
        attempts += 1
        nxt = next_attempt_at(queued_at=QUEUED, failed_at=at, attempts=attempts, every=EVERY, window=WINDOW)
        if nxt is None:
            return tries
        tries.append(nxt - QUEUED)
        at = nxt


def test_the_first_retries_come_after_1_5_30_minutes_and_2_hours() -> None:
    gaps = [b - a for a, b in zip(_schedule(), _schedule()[1:], strict=False)]
    assert gaps[:4] == [dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30),
                        dt.timedelta(hours=2)]
    assert set(gaps[4:]) == {EVERY}


def test_it_keeps_trying_for_at_least_a_day_then_gives_up() -> None:
    tries = _schedule()
    assert tries[-1] >= dt.timedelta(days=1)
    assert tries[-2] < WINDOW <= tries[-1]


def test_a_mail_server_down_for_an_hour_is_tried_again_after_it_returns() -> None:
    back = dt.timedelta(hours=1)
    assert any(t >= back for t in _schedule()[:6])
    assert next(t for t in _schedule() if t >= back) <= dt.timedelta(hours=3)


@pytest.mark.parametrize("attempts", [1, 4, 5, 12])
def test_a_failure_after_the_window_gives_up(attempts: int) -> None:
    assert next_attempt_at(queued_at=QUEUED, failed_at=QUEUED + WINDOW, attempts=attempts,
                           every=EVERY, window=WINDOW) is None


def test_a_failure_just_inside_the_window_is_tried_again() -> None:
    failed = QUEUED + WINDOW - dt.timedelta(seconds=1)
    assert next_attempt_at(queued_at=QUEUED, failed_at=failed, attempts=9, every=EVERY,
                           window=WINDOW) == failed + EVERY
