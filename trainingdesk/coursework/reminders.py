"""Reminders of the coursework deadline (`notifications.reminders.register_source`): 3 months,
1 month and 1 week before the last day to submit, to everyone whose portfolio is open or
referred. The deadline is the end of its day in UK time; a portfolio given more time is
reminded again for its new date (the reminder's start is part of what makes it unique)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.urls import reverse

from trainingdesk.coursework.models import Portfolio, PortfolioStatus
from trainingdesk.coursework.rules import time_left
from trainingdesk.coursework.services import due_date
from trainingdesk.lib.zones import UK
from trainingdesk.notifications.reminders import Reminder

TEMPLATE = "coursework/email/deadline.txt"
LEADS = (dt.timedelta(days=91), dt.timedelta(days=30), dt.timedelta(days=7))  # 3 months, 1 month, 1 week


def end_of(day: dt.date) -> dt.datetime:
    """The deadline's moment: midnight at the end of its day, UK time."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=ZoneInfo(UK))


def deadlines(after: dt.datetime, until: dt.datetime) -> list[Reminder]:
    """Two queries, however many portfolios: the open and referred ones with their levels and
    extensions; the deadline is computed, so those within (after, until] are picked here."""
    reminders = []
    for portfolio in (Portfolio.objects
                      .filter(status__in=[PortfolioStatus.OPEN, PortfolioStatus.REFERRED])
                      .select_related("participant", "level__programme", "level__assessment_fee",
                                      "level__resubmission_fee")
                      .prefetch_related("extensions")):
        due = due_date(portfolio)
        ends = end_of(due)
        if not after < ends <= until:
            continue
        # Open: never submitted, so the assessment fee is still to come; referred: a
        # resubmission is charged only where the level has a resubmission fee.
        fee = (portfolio.level.assessment_fee if portfolio.status == PortfolioStatus.OPEN
               else portfolio.level.resubmission_fee)
        reminders.append(Reminder(
            key=f"coursework:{portfolio.pk}", person=portfolio.participant, template=TEMPLATE,
            context={"due": due, "left": time_left(due, after.astimezone(ZoneInfo(UK)).date()),
                     "level_name": portfolio.level.name,
                     "programme_name": portfolio.level.programme.name,
                     "fee": fee.gross_amount if fee is not None else None,
                     "url": reverse("coursework:portfolio", args=[portfolio.pk])},
            starts_at=ends, ends_at=ends))
    return reminders
