"""The private calendar feed: one person's training days, make-up days and a trainer's runs at
a secret address; SEQUENCE and STATUS so that calendars follow changes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from tests.bookings.conftest import NOW, self_paying
from tests.factories import CourseRunFactory, PriceOptionFactory, UserFactory, VatRateFactory
from trainingdesk.accounts import feeds
from trainingdesk.accounts.models import CalendarFeed, User
from trainingdesk.attendance.models import MakeUpDay
from trainingdesk.audit.models import AuditEntry
from trainingdesk.bookings.models import Booking
from trainingdesk.bookings.services import book, cancel_booking, cancel_run
from trainingdesk.catalogue.models import CourseRun, PriceOption, TrainingDay
from trainingdesk.lib.calendar import CalendarEntry, register_feed_source

pytestmark = pytest.mark.django_db

DAYS = [dt.date(2027, 6, 1), dt.date(2027, 6, 2), dt.date(2027, 6, 3)]


def _run(title: str = "Summer 2027", days: list[dt.date] = DAYS) -> CourseRun:
    VatRateFactory()
    run = CourseRunFactory(title=title, capacity=20, days=days,
                           booking_closes_at=dt.datetime(2027, 5, 25, tzinfo=dt.UTC))
    PriceOptionFactory(run=run)
    return run


def _book(person: User, run: CourseRun) -> Booking:
    return book(participant=person, run_id=run.pk, option_id=PriceOption.objects.get(run=run).pk,
                payer=self_paying(person.full_name), now=NOW)


def _fetch(client: Client, token: str) -> dict[str, dict[str, str]]:
    """The feed's events by uid: status, sequence and summary."""
    response = client.get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    return {str(e["UID"]): {"status": str(e["STATUS"]), "sequence": int(e["SEQUENCE"]),
                            "summary": str(e["SUMMARY"]), "start": e.decoded("DTSTART")}
            for e in events}


def test_a_feed_lists_a_participants_confirmed_days_with_stable_uids(
    client: Client, participant: User
) -> None:
    booking = _book(participant, _run())
    token = feeds.create_feed(user=participant)
    first = _fetch(client, token)
    assert sorted(first) == [f"{booking.reference}-day-{n}@trainingdesk" for n in (1, 2, 3)]
    assert {e["status"] for e in first.values()} == {"CONFIRMED"}
    assert _fetch(client, token) == first  # nothing changed: the same uids, the same sequence


def test_the_response_is_private_calendar_text(client: Client, participant: User) -> None:
    token = feeds.create_feed(user=participant)
    response = client.get(reverse("calendar_feed", args=[token]))
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "private"


def test_a_cancelled_bookings_days_are_cancelled_in_the_feed(
    client: Client, participant: User
) -> None:
    booking = _book(participant, _run())
    token = feeds.create_feed(user=participant)
    assert {e["sequence"] for e in _fetch(client, token).values()} == {0}
    cancel_booking(booking=booking, actor=participant, now=NOW + dt.timedelta(days=1))
    events = _fetch(client, token)
    assert len(events) == 3
    assert {e["status"] for e in events.values()} == {"CANCELLED"}
    assert {e["sequence"] for e in events.values()} == {1}


def test_a_cancelled_runs_days_are_cancelled_for_its_participant_and_trainer(
    client: Client, participant: User, trainer: User, coordinator: User
) -> None:
    run = _run()
    run.trainers.add(trainer)
    _book(participant, run)
    tokens = [feeds.create_feed(user=participant), feeds.create_feed(user=trainer)]
    cancel_run(run=run, actor=coordinator, reason="The trainer is ill", now=NOW)
    for token in tokens:
        events = _fetch(client, token)
        assert len(events) == 3
        assert {e["status"] for e in events.values()} == {"CANCELLED"}


def test_a_trainer_sees_their_runs_days_and_not_other_runs(client: Client, trainer: User) -> None:
    theirs, other = _run("Theirs"), _run("Other", days=[dt.date(2027, 7, 1)])
    theirs.trainers.add(trainer)
    other.trainers.add(UserFactory())
    events = _fetch(client, feeds.create_feed(user=trainer))
    assert sorted(events) == [f"run-{theirs.pk}-day-{n}@trainingdesk" for n in (1, 2, 3)]
    assert all("Theirs" in e["summary"] for e in events.values())


def test_a_make_up_day_is_in_the_participants_feed(client: Client, participant: User) -> None:
    booking = _book(participant, _run())
    later = _run("Autumn 2027", days=[dt.date(2027, 10, 1), dt.date(2027, 10, 2)])
    day = later.days.get(number=2)
    MakeUpDay.objects.create(booking=booking, day=day, assigned_at=NOW)
    events = _fetch(client, feeds.create_feed(user=participant))
    assert f"{booking.reference}-make-up-{day.pk}@trainingdesk" in events
    assert len(events) == 4


def test_a_feed_holds_nothing_of_another_person(client: Client, participant: User,
                                                outsider: User) -> None:
    run = _run()
    theirs = _book(outsider, run)
    run.trainers.add(outsider)
    mine = _book(participant, _run("Mine", days=[dt.date(2027, 8, 1)]))
    body = client.get(reverse("calendar_feed", args=[feeds.create_feed(user=participant)])).content
    assert theirs.reference.encode() not in body
    assert b"Summer 2027" not in body
    assert mine.reference.encode() in body


def test_a_changed_day_raises_its_sequence(client: Client, participant: User) -> None:
    run = _run()
    booking = _book(participant, run)
    token = feeds.create_feed(user=participant)
    uid = f"{booking.reference}-day-2@trainingdesk"
    assert _fetch(client, token)[uid]["sequence"] == 0
    TrainingDay.objects.filter(run=run, number=2).update(date=dt.date(2027, 6, 8))
    after = _fetch(client, token)
    assert after[uid]["sequence"] == 1
    assert after[uid]["start"].date() == dt.date(2027, 6, 8)
    assert after[f"{booking.reference}-day-1@trainingdesk"]["sequence"] == 0
    assert _fetch(client, token)[uid]["sequence"] == 1  # counted once


def test_a_renewed_feed_goes_on_counting_versions(client: Client, participant: User) -> None:
    run = _run()
    booking = _book(participant, run)
    _fetch(client, feeds.create_feed(user=participant))
    TrainingDay.objects.filter(run=run, number=1).update(start_time=dt.time(10))
    uid = f"{booking.reference}-day-1@trainingdesk"
    assert _fetch(client, feeds.create_feed(user=participant))[uid]["sequence"] == 1


def test_a_revoked_or_renewed_away_token_is_not_found(client: Client, participant: User) -> None:
    old = feeds.create_feed(user=participant)
    new = feeds.create_feed(user=participant)
    assert client.get(reverse("calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("calendar_feed", args=[new])).status_code == 200
    feeds.revoke_feed(user=participant)
    assert client.get(reverse("calendar_feed", args=[new])).status_code == 404
    assert client.get(reverse("calendar_feed", args=["made-up-token"])).status_code == 404


def test_only_the_tokens_hash_is_stored_and_each_change_is_audited(participant: User) -> None:
    token = feeds.create_feed(user=participant)
    feeds.create_feed(user=participant)
    feeds.revoke_feed(user=participant)
    stored = CalendarFeed.objects.filter(user=participant)
    assert not stored.filter(token_hash=token).exists()
    assert stored.filter(token_hash=feeds.token_hash(token)).exists()
    assert stored.live().count() == 0
    assert list(AuditEntry.objects.filter(action__startswith="accounts.calendar_feed")
                .order_by("id").values_list("action", flat=True)) == [
        "accounts.calendar_feed.created", "accounts.calendar_feed.revoked",
        "accounts.calendar_feed.renewed", "accounts.calendar_feed.revoked"]


def test_fetching_a_feed_too_often_is_refused_for_a_minute(client: Client, participant: User) -> None:
    url = reverse("calendar_feed", args=[feeds.create_feed(user=participant)])
    statuses = [client.get(url).status_code for _ in range(12)]
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429, 429]


def test_a_feed_runs_a_fixed_number_of_queries_however_many_bookings(
    client: Client, participant: User, trainer: User
) -> None:
    def queries(token: str) -> int:
        client.get(reverse("calendar_feed", args=[token]))  # the first fetch records every uid
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("calendar_feed", args=[token])).status_code == 200
        return len(captured)

    token = feeds.create_feed(user=participant)
    first = _run("One", days=[dt.date(2027, 6, 1)])
    _book(participant, first)
    first.trainers.add(participant)
    few = queries(token)
    for n in range(2, 8):
        run = _run(f"Run {n}", days=[dt.date(2027, 6 + n // 3, n), dt.date(2027, 6 + n // 3, n + 10)])
        _book(participant, run)
        run.trainers.add(participant)
    assert queries(token) == few


def test_a_registered_source_plugs_into_every_feed(client: Client, participant: User,
                                                   outsider: User) -> None:
    """As supervision will: its entries, for the person it is asked about, beside the rest."""
    def sessions(user: User) -> list[CalendarEntry]:
        if user != participant:
            return []
        starts = dt.datetime(2027, 11, 3, 19, tzinfo=dt.UTC)
        return [CalendarEntry(uid="supervision-session-1@trainingdesk", title="Supervision",
                              starts_at=starts, finishes_at=starts + dt.timedelta(hours=2))]

    register_feed_source(sessions)
    try:
        assert "supervision-session-1@trainingdesk" in _fetch(client, feeds.create_feed(user=participant))
        assert _fetch(client, feeds.create_feed(user=outsider)) == {}
    finally:
        from trainingdesk.lib import calendar
        calendar._feed_sources.remove(sessions)


def test_the_address_has_no_guessable_part(participant: User) -> None:
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", feeds.create_feed(user=participant))
