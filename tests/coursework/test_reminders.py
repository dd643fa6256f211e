"""Deadline reminders: 3 months, 1 month and 1 week before the last day to submit, once each,
through the periodic command; none once submitted; a new date after an extension."""

from __future__ import annotations

import datetime as dt

from django.core import mail

from tests.coursework.conftest import WORKING, complete
from trainingdesk.coursework import services
from trainingdesk.notifications.reminders import send_reminders

# Due 12 April 2025 (the Advanced level ended 12 April 2024): the end of that day, UK time.
THREE_MONTHS_BEFORE = dt.datetime(2025, 1, 13, 9, tzinfo=dt.UTC)  # 91 days before
A_MONTH_BEFORE = dt.datetime(2025, 3, 14, 9, tzinfo=dt.UTC)
A_WEEK_BEFORE = dt.datetime(2025, 4, 6, 9, tzinfo=dt.UTC)


def _subjects() -> list[str]:
    return [message.subject for message in mail.outbox]


def test_the_deadline_is_reminded_3_months_1_month_and_1_week_before_once_each(
    portfolio, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(THREE_MONTHS_BEFORE - dt.timedelta(days=3)) == 0
        assert send_reminders(THREE_MONTHS_BEFORE) == 1
        assert send_reminders(THREE_MONTHS_BEFORE + dt.timedelta(hours=1)) == 0
        assert send_reminders(A_MONTH_BEFORE) == 1
        assert send_reminders(A_WEEK_BEFORE) == 1
    assert _subjects() == ["Your coursework is due Saturday 12 April 2025"] * 3
    assert "The £300.00 assessment fee is charged only when you submit." in mail.outbox[0].body


def test_no_reminder_once_submitted(portfolio):
    complete(portfolio)
    services.submit(portfolio=portfolio, actor=portfolio.participant, now=WORKING)
    assert send_reminders(A_WEEK_BEFORE) == 0


def test_an_extension_is_reminded_for_its_new_date(portfolio, coordinator,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(A_WEEK_BEFORE) == 1
        services.grant_extension(portfolio=portfolio, days=30, reason="Illness", actor=coordinator,
                                 now=A_WEEK_BEFORE)
        assert send_reminders(A_WEEK_BEFORE + dt.timedelta(days=30)) == 1
    assert _subjects()[-1] == "Your coursework is due Monday 12 May 2025"
