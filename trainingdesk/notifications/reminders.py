"""Reminders before what people have coming: each training day, make-up day and supervision
session, REMINDER_LEAD_TIMES before it starts (2 days and 2 hours by default).

Notifications sits below every app that has dated things for people, so it asks the question
and they answer at start-up: `register_source(fn)`, where `fn(after, until)` returns a `Reminder`
for each person and each of their events starting in (after, until] (bookings: confirmed
training days; attendance: make-up days; supervision: members' scheduled sessions).

`send_reminders(now)`, periodic work run every minute, writes each reminder once, in the
person's own zone. An event that starts within a lead time and has not started is due the
reminder of the shortest lead time it is within, unless that one was sent: so a run that is
late, or minutes that were missed, still send it, and an event booked an hour before it starts
gets one reminder rather than one for each lead time it is already within. A `SentReminder`
row (the event's key, its start, the lead), unique in the database, is written in the same
transaction as the email: a second run, or a copy running on another host at the same moment,
finds the row (or waits for it, and fails to write its own) and sends nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from trainingdesk.lib.zones import UK, format_span
from trainingdesk.notifications.models import SentReminder
from trainingdesk.notifications.services import send_email


@dataclass(frozen=True)
class Reminder:
    """One person's event. `key` names it for that person and stays the same across runs
    ("booking:B123:day:2"); its start is kept beside it, so a moved event is reminded again for
    its new time. `person` is the user (accounts sits above notifications): their email address
    and time zone are read. `context` is what `template` needs besides `person` and `when` (the
    event's time written out in the person's zone), which are added here."""

    key: str
    person: Any
    template: str
    context: dict[str, Any]
    starts_at: dt.datetime
    ends_at: dt.datetime


ReminderSource = Callable[[dt.datetime, dt.datetime], Iterable[Reminder]]
_sources: dict[ReminderSource, tuple[dt.timedelta, ...] | None] = {}


def register_source(source: ReminderSource, *, leads: Iterable[dt.timedelta] | None = None) -> None:
    """Add `source(after, until)`: the reminders for events starting after `after` and no later
    than `until`. Called from an app's `ready()`; a source must run a fixed number of queries
    however many events it finds. `leads`: its own lead times (a deadline months away is
    reminded 3 months, 1 month and 1 week before), instead of REMINDER_LEAD_TIMES."""
    _sources[source] = tuple(sorted(leads)) if leads is not None else None


def lead_times() -> tuple[dt.timedelta, ...]:
    return tuple(sorted(settings.REMINDER_LEAD_TIMES))


def due_lead(starts_at: dt.datetime, *, now: dt.datetime,
             leads: Iterable[dt.timedelta]) -> dt.timedelta | None:
    """Which reminder an event starting at `starts_at` is due at `now`: that of the shortest
    lead time it is now within; None once it has started, or while it is beyond every one."""
    left = starts_at - now
    if left <= dt.timedelta(0):
        return None
    return min((lead for lead in leads if left <= lead), default=None)


def written_in_zone(person: Any, starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """'Tuesday 18 October 2022, 7pm to 9pm (your time)', in the person's own zone; in UK time,
    and saying so, when they have not chosen one."""
    span = format_span(starts_at, ends_at, person.time_zone or UK)
    whose = _("your time") if person.time_zone else _("UK time")
    return f"{span} ({whose})"


def send_reminders(now: dt.datetime) -> int:
    """Periodic: write every reminder due at `now` that has not been written; returns how many.
    Reads a fixed number of queries (each source's, and the reminders already sent), then
    writes each reminder in its own short transaction."""
    due: list[tuple[Reminder, dt.timedelta]] = []
    longest = dt.timedelta(0)
    for source, own_leads in _sources.items():
        leads = own_leads if own_leads is not None else lead_times()
        if not leads:
            continue
        longest = max(longest, max(leads))
        for reminder in source(now, now + max(leads)):
            lead = due_lead(reminder.starts_at, now=now, leads=leads)
            if lead is not None:
                due.append((reminder, lead))
    if not due:
        return 0
    until = now + longest
    already = _already_sent(now, until)
    sent = 0
    # The same order on every host, so two runs at once meet each row in the same order.
    for reminder, lead in sorted(due, key=lambda item: (item[0].starts_at, item[0].key)):
        if (reminder.key, reminder.starts_at, lead) not in already and _send(reminder, lead, now):
            sent += 1
    return sent


def _already_sent(after: dt.datetime, until: dt.datetime) -> set[tuple[str, dt.datetime, dt.timedelta]]:
    """What was sent for the events starting in (after, until], read once: most runs find every
    due reminder here and write nothing. One written by another run after this read is refused
    by the unique constraint instead (`_send`)."""
    return set(SentReminder.objects.filter(starts_at__gt=after, starts_at__lte=until)
               .values_list("key", "starts_at", "lead"))


def _send(reminder: Reminder, lead: dt.timedelta, now: dt.datetime) -> bool:
    """Write the reminder's email and its SentReminder row together; False when another run
    wrote that row first (the unique constraint refuses ours, and our email is rolled back)."""
    context = {**reminder.context, "person": reminder.person,
               "when": written_in_zone(reminder.person, reminder.starts_at, reminder.ends_at)}
    try:
        with transaction.atomic():
            email = send_email(to=[reminder.person.email], template=reminder.template,
                               context=context)
            SentReminder.objects.create(key=reminder.key, starts_at=reminder.starts_at,
                                        lead=lead, email=email, sent_at=now)
    except IntegrityError:
        return False
    return True
