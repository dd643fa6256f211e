"""Reminders before training days, make-up days and supervision sessions: REMINDER_LEAD_TIMES
before each (2 days and 2 hours by default), in the person's own zone, each exactly once, also
when the periodic work runs twice or on two hosts at once."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from tests.attendance.conftest import BOOKED_AT, DAYS, booked
from tests.bookings.test_concurrency import race
from tests.factories import CourseRunFactory, LevelFactory, PriceOptionFactory, UserFactory, VatRateFactory
from tests.supervision.conftest import attended
from trainingdesk.accounts.models import Role
from trainingdesk.accounts.roles import grant_role
from trainingdesk.attendance.services import assign_make_up_day
from trainingdesk.bookings.services import cancel_booking
from trainingdesk.invoicing.models import NumberSeries
from trainingdesk.lib import periodic
from trainingdesk.notifications import reminders
from trainingdesk.notifications.models import Email, EmailStatus, SentReminder
from trainingdesk.notifications.tasks import deliver_email
from trainingdesk.supervision import services as supervision
from trainingdesk.supervision.models import SupervisionGroup, SupervisionSession, Supervisor

UK = ZoneInfo("Europe/London")
# The Summer 2022 run's Day 1: Tuesday 21 June 2022, 9:30am to 4:30pm UK time (BST).
DAY_1 = dt.datetime(2022, 6, 21, 8, 30, tzinfo=dt.UTC)
# Its group's first session: Tuesday 18 October 2022, 7pm to 9pm UK time (BST).
SESSION_1 = dt.datetime(2022, 10, 18, 18, 0, tzinfo=dt.UTC)
ALLOCATED_AT = dt.datetime(2022, 10, 1, 9, 0, tzinfo=dt.UTC)
HOURS = dt.timedelta(hours=1)


def reminder_emails() -> list[Email]:
    return list(Email.objects.filter(template__endswith="/reminder.txt").order_by("pk"))


def delivered_reminders() -> list[mail.EmailMessage]:
    """Send the reminders waiting, as a worker would (the bookings' own emails stay waiting)."""
    mail.outbox.clear()
    for email in reminder_emails():
        if email.status == EmailStatus.QUEUED:
            deliver_email.call(email.pk)
    return list(mail.outbox)


@pytest.fixture
def summer(db, trainer):
    """The brochure's Summer 2022 run of Foundation (21, 22, 23 June and 15 September 2022)."""
    VatRateFactory()
    level = LevelFactory(name="Foundation", days_required=4, supervision_hours=12)
    run = CourseRunFactory(level=level, title="Summer 2022", capacity=30, days=DAYS,
                           booking_closes_at=dt.datetime(2022, 6, 14, tzinfo=dt.UTC))
    run.trainers.add(trainer)
    return run


@pytest.fixture
def option(summer):
    return PriceOptionFactory(run=summer)


@pytest.fixture
def tuesday_group(summer):
    """Its supervision group: Tuesdays at 7pm UK time, with Sue Supervisor."""
    user = UserFactory(full_name="Sue Supervisor")
    grant_role(user, Role.SUPERVISOR)
    supervisor = Supervisor.objects.create(user=user, accreditation="NVRA accredited supervisor")
    group = SupervisionGroup.objects.create(
        name="Tuesday evenings", level=summer.level, supervisor=supervisor, capacity=5, weekday=1,
        start_time=dt.time(19, 0), time_zone="Europe/London",
        joining_link="https://zoom.us/j/1234567890")
    group.runs.add(summer)
    return group


@pytest.fixture
def planned(coordinator, tuesday_group):
    """Its 6 sessions, from Tuesday 18 October 2022."""
    supervision.plan_sessions(group=tuesday_group, actor=coordinator)
    return list(SupervisionSession.objects.order_by("starts_at"))


def member_of(group, run, trainer, coordinator, **kwargs):
    booking = attended(run, trainer, **kwargs)
    supervision.allocate(booking=booking, group=group, actor=coordinator, now=ALLOCATED_AT)
    return booking


# --- Settings ---------------------------------------------------------------------------------

def _settings_in_a_fresh_process(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(  # noqa: S603 - our own manage.py with our own interpreter
        [sys.executable, "manage.py", "shell", "-c",
         "from django.conf import settings; print([str(t) for t in settings.REMINDER_LEAD_TIMES])"],
        cwd=Path(settings.BASE_DIR), env=clean, capture_output=True, text=True, timeout=120,
        check=False,
    )


def test_the_lead_times_are_2_days_and_2_hours_unless_configured():
    assert settings.REMINDER_LEAD_TIMES == (2 * HOURS, 48 * HOURS)


def test_the_lead_times_are_read_from_the_environment_in_hours():
    result = _settings_in_a_fresh_process(REMINDER_LEAD_HOURS="1, 24")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['1:00:00', '1 day, 0:00:00']"


@pytest.mark.parametrize("value", ["two", "48,0", "1.5"])
def test_lead_times_that_are_not_whole_hours_stop_the_start(value):
    result = _settings_in_a_fresh_process(REMINDER_LEAD_HOURS=value)
    assert result.returncode != 0
    assert "REMINDER_LEAD_HOURS must be whole numbers of hours" in result.stderr


def test_sending_reminders_is_periodic_work():
    assert periodic.JOBS["notifications.send_reminders"].run is reminders.send_reminders


# --- Training days ----------------------------------------------------------------------------

def test_a_day_2_days_away_gets_one_reminder_and_a_second_run_sends_nothing(summer, option):
    booking = booked(summer, option, UserFactory(full_name="Ana Ortiz", time_zone=""))

    assert reminders.send_reminders(DAY_1 - 48 * HOURS) == 1
    assert reminders.send_reminders(DAY_1 - 48 * HOURS) == 0
    assert reminders.send_reminders(DAY_1 - 47 * HOURS) == 0

    [message] = delivered_reminders()
    assert message.to == [booking.participant.email]
    assert message.subject == ("Reminder: Foundation Day 1, Tuesday 21 June 2022, 9:30am to "
                               "4:30pm (UK time)")
    assert f"Day 1 of Foundation, Summer 2022 ({booking.reference})" in message.body
    assert "Joining link: https://zoom.us/j/123?pwd=secret" in message.body
    assert "Dear Ana Ortiz" in message.body
    sent = SentReminder.objects.get()
    assert (sent.key, sent.starts_at, sent.lead) == (f"booking:{booking.reference}:day:1", DAY_1,
                                                     48 * HOURS)


def day_1_leads() -> list[dt.timedelta]:
    """The reminders sent for Day 1, in order (Day 2 starts a day later, and has its own)."""
    return [s.lead for s in SentReminder.objects.filter(key__endswith=":day:1").order_by("pk")]


def test_each_lead_time_sends_its_own_reminder(summer, option):
    booked(summer, option)
    reminders.send_reminders(DAY_1 - 48 * HOURS)
    reminders.send_reminders(DAY_1 - 3 * HOURS)
    assert day_1_leads() == [48 * HOURS]  # the next one is at 2 hours
    reminders.send_reminders(DAY_1 - 2 * HOURS)
    reminders.send_reminders(DAY_1 - HOURS)
    assert day_1_leads() == [48 * HOURS, 2 * HOURS]


def test_a_late_or_missed_run_still_sends_the_reminder_once(summer, option):
    booked(summer, option)
    # Nothing ran for the 2 days before Day 1 until 30 hours before it: the 2-day reminder goes then.
    assert reminders.send_reminders(DAY_1 - 30 * HOURS) == 1
    assert reminders.send_reminders(DAY_1 - 29 * HOURS) == 0
    assert day_1_leads() == [48 * HOURS]


def test_an_event_already_within_both_lead_times_gets_one_reminder_not_two(summer, option):
    booked(summer, option)
    reminders.send_reminders(DAY_1 - HOURS)
    reminders.send_reminders(DAY_1 - HOURS / 2)
    assert day_1_leads() == [2 * HOURS]


def test_a_day_that_has_started_or_is_further_away_gets_none(summer, option):
    booked(summer, option)
    assert reminders.send_reminders(DAY_1 - 49 * HOURS) == 0
    reminders.send_reminders(DAY_1)  # Day 1 starts now: only Day 2, 24 hours away, is reminded
    reminders.send_reminders(DAY_1 + HOURS)
    assert day_1_leads() == []


@override_settings(REMINDER_LEAD_TIMES=(24 * HOURS,))
def test_the_lead_times_come_from_settings(summer, option):
    booked(summer, option)
    reminders.send_reminders(DAY_1 - 48 * HOURS)
    assert day_1_leads() == []
    reminders.send_reminders(DAY_1 - 24 * HOURS)
    reminders.send_reminders(DAY_1 - 2 * HOURS)
    assert day_1_leads() == [24 * HOURS]


@pytest.mark.parametrize(("zone", "written"), [
    ("Europe/London", "Tuesday 21 June 2022, 9:30am to 4:30pm (your time)"),
    ("America/New_York", "Tuesday 21 June 2022, 4:30am to 11:30am (your time)"),
    ("Asia/Tokyo", "Tuesday 21 June 2022, 5:30pm to 12:30am on Wednesday 22 June 2022 (your time)"),
])
def test_the_reminder_is_written_in_the_person_s_own_zone(summer, option, zone, written):
    booked(summer, option, UserFactory(time_zone=zone))
    reminders.send_reminders(DAY_1 - 48 * HOURS)
    [message] = delivered_reminders()
    assert message.subject.endswith(written)
    assert f"on {written}." in message.body


def test_a_cancelled_booking_gets_no_reminder(summer, option, coordinator):
    kept, cancelled = booked(summer, option), booked(summer, option)
    cancel_booking(booking=cancelled, actor=coordinator, now=BOOKED_AT + HOURS, notify=False)
    assert reminders.send_reminders(DAY_1 - 48 * HOURS) == 1
    assert [email.to for email in reminder_emails()] == [[kept.participant.email]]


def test_a_make_up_day_gets_its_run_s_reminder(summer, option, coordinator):
    booking = booked(summer, option)
    autumn = CourseRunFactory(level=summer.level, title="Autumn 2022",
                              joining_link="https://zoom.us/j/999",
                              days=[dt.date(2022, 10, 4), dt.date(2022, 10, 5), dt.date(2022, 10, 6)])
    day_3 = autumn.days.get(number=3)
    assign_make_up_day(booking=booking, day=day_3, actor=coordinator,
                       now=dt.datetime(2022, 9, 20, tzinfo=dt.UTC))

    assert reminders.send_reminders(day_3.starts_at - 48 * HOURS) == 1
    [message] = delivered_reminders()
    assert message.subject == ("Reminder: Foundation Day 3 (make-up day), Thursday 6 October 2022, "
                               "9:30am to 4:30pm (your time)")
    assert f"making up Day 3 of your\ntraining ({booking.reference}) with Autumn 2022" in message.body
    assert "Joining link: https://zoom.us/j/999" in message.body
    assert SentReminder.objects.get().key == f"booking:{booking.reference}:make-up:{day_3.pk}"


# --- Supervision sessions ---------------------------------------------------------------------

def test_a_member_is_reminded_of_a_session_with_its_joining_link(
    planned, summer, trainer, coordinator, tuesday_group
):
    member = member_of(tuesday_group, summer, trainer, coordinator)
    assert reminders.send_reminders(SESSION_1 - 48 * HOURS) == 1
    assert reminders.send_reminders(SESSION_1 - 48 * HOURS) == 0

    [message] = delivered_reminders()  # to the member only: not the supervisor, nobody else
    assert message.to == [member.participant.email]
    assert message.subject == "Reminder: group supervision, Tuesday 18 October 2022, 7pm to 9pm (your time)"
    assert "session 1 of your supervision group, Tuesday evenings,\nwith Sue Supervisor" in message.body
    assert "Joining link: https://zoom.us/j/1234567890" in message.body


def test_a_session_is_written_in_the_member_s_own_zone(planned, summer, trainer, coordinator,
                                                      tuesday_group):
    member_of(tuesday_group, summer, trainer, coordinator, zone="America/Los_Angeles")
    reminders.send_reminders(SESSION_1 - 2 * HOURS)
    [message] = delivered_reminders()
    assert message.subject.endswith("Tuesday 18 October 2022, 11am to 1pm (your time)")


def test_a_cancelled_session_gets_no_reminder(planned, summer, trainer, coordinator, tuesday_group):
    member_of(tuesday_group, summer, trainer, coordinator)
    supervision.cancel_session(session=planned[0], actor=coordinator, now=ALLOCATED_AT)
    assert reminders.send_reminders(SESSION_1 - 48 * HOURS) == 0
    assert reminders.send_reminders(SESSION_1 - 2 * HOURS) == 0
    assert reminder_emails() == []


def test_a_moved_session_is_reminded_at_its_new_time(planned, summer, trainer, coordinator,
                                                     tuesday_group):
    member_of(tuesday_group, summer, trainer, coordinator)
    assert reminders.send_reminders(SESSION_1 - 48 * HOURS) == 1
    supervision.move_session(session=planned[0], actor=coordinator, now=SESSION_1 - 47 * HOURS,
                             new_start=dt.datetime(2022, 10, 25, 19, 0, tzinfo=UK))

    assert reminders.send_reminders(SESSION_1 - 2 * HOURS) == 0  # nothing at the old time
    moved_to = SESSION_1 + 7 * 24 * HOURS
    assert reminders.send_reminders(moved_to - 48 * HOURS) == 1
    assert reminders.send_reminders(moved_to - 2 * HOURS) == 1
    subjects = [m.subject for m in delivered_reminders()]
    assert subjects == [
        "Reminder: group supervision, Tuesday 18 October 2022, 7pm to 9pm (your time)",
        "Reminder: group supervision, Tuesday 25 October 2022, 7pm to 9pm (your time)",
        "Reminder: group supervision, Tuesday 25 October 2022, 7pm to 9pm (your time)",
    ]


# --- Exactly once, and at a fixed cost ----------------------------------------------------------

def test_a_reminder_written_by_another_run_after_this_one_read_is_not_sent_again(summer, option):
    booked(summer, option)
    assert reminders.send_reminders(DAY_1 - 48 * HOURS) == 1
    # A second run that read before the first one's row existed: the unique row refuses it.
    with mock.patch.object(reminders, "_already_sent", return_value=set()):
        assert reminders.send_reminders(DAY_1 - 48 * HOURS) == 0
    assert len(reminder_emails()) == 1


@override_settings(REMINDER_LEAD_TIMES=(500 * 24 * HOURS,))
def test_the_reads_do_not_grow_with_the_events(planned, summer, option, trainer, coordinator,
                                              tuesday_group):
    booked(summer, option)
    member_of(tuesday_group, summer, trainer, coordinator)
    now = dt.datetime(2022, 6, 1, tzinfo=dt.UTC)
    with CaptureQueriesContext(connection) as few:
        sent_few = reminders.send_reminders(now)
    for _ in range(3):
        booked(summer, option)
    for _ in range(2):
        member_of(tuesday_group, summer, trainer, coordinator)
    with CaptureQueriesContext(connection) as many:
        sent_many = reminders.send_reminders(now)

    # 4 days for one booking, then 6 sessions and 4 days for the first member's booking ...
    assert (sent_few, sent_many) == (14, 3 * 4 + 2 * (6 + 4))

    def reads(queries: CaptureQueriesContext) -> int:
        return sum(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)

    assert reads(many) == reads(few)
    inserts = [q for q in many.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 2 * sent_many  # each reminder: its email and its SentReminder row


@pytest.mark.concurrency
@pytest.mark.xdist_group("concurrency")
@pytest.mark.django_db(transaction=True)
def test_two_hosts_sending_at_once_send_each_reminder_once(summer, option, planned, trainer,
                                                          coordinator, tuesday_group):
    # The data migration's rows are flushed by earlier transactional tests; put them back.
    NumberSeries.objects.get_or_create(code="INV", defaults={"prefix": "INV-"})
    NumberSeries.objects.get_or_create(code="CN", defaults={"prefix": "CN-"})
    for _ in range(3):
        member_of(tuesday_group, summer, trainer, coordinator)
    now = SESSION_1 - 47 * HOURS
    # Both hosts read what was sent before either writes, so both try to write every reminder.
    read, both_have_read = reminders._already_sent, threading.Barrier(2)

    def read_then_wait(after: dt.datetime, until: dt.datetime) -> set[Any]:
        sent = read(after, until)
        both_have_read.wait(timeout=60)
        return sent

    with mock.patch.object(reminders, "_already_sent", read_then_wait):
        results = race([lambda: reminders.send_reminders(now)] * 2)
    assert sum(results) == 3, results  # between them, one reminder for each member
    assert race([lambda: reminders.send_reminders(now)] * 2) == [0, 0]
    assert SentReminder.objects.count() == 3
    assert len(reminder_emails()) == 3
    assert sorted(e.to[0] for e in reminder_emails()) == sorted(
        a.booking.participant.email for a in tuesday_group.allocations.all())


def test_someone_making_up_a_session_in_another_group_is_reminded_of_it(
    planned, summer, trainer, coordinator, tuesday_group
):
    other = SupervisionGroup.objects.create(
        name="Thursday evenings", level=tuesday_group.level, supervisor=tuesday_group.supervisor,
        capacity=4,
        weekday=3, start_time=dt.time(19, 0), time_zone="Europe/London",
        joining_link="https://zoom.us/j/555")
    guest = member_of(other, summer, trainer, coordinator)
    supervision.add_guest(session=planned[0], allocation=guest.supervision_allocation,
                          actor=coordinator, now=ALLOCATED_AT)
    assert reminders.send_reminders(SESSION_1 - 48 * HOURS) == 1
    [message] = delivered_reminders()
    assert message.to == [guest.participant.email]
    assert "Joining link: https://zoom.us/j/1234567890" in message.body  # the session's group's
