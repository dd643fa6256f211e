"""When a failed delivery is tried again: after each of WEBHOOK_RETRY_DELAYS in turn, then never
(a pure rule, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from trainingdesk.webhooks.tasks import next_attempt_at

FAILED = dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)
DELAYS = (30, 120, 600, 3600)


@pytest.mark.parametrize(("attempts", "after"), [(1, 30), (2, 120), (3, 600), (4, 3600)])
def test_each_failed_try_waits_the_next_longer_delay(attempts, after):
    assert next_attempt_at(attempts=attempts, failed_at=FAILED, delays=DELAYS) == (
        FAILED + dt.timedelta(seconds=after))


def test_after_the_last_delay_it_is_given_up():
    assert next_attempt_at(attempts=5, failed_at=FAILED, delays=DELAYS) is None


def test_the_settings_default_delays_grow():
    from django.conf import settings

    delays = settings.WEBHOOK_RETRY_DELAYS
    assert list(delays) == sorted(delays) and len(set(delays)) == len(delays)
