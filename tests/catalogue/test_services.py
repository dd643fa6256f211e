"""copy_run and publish_run: the catalogue's workflows, atomic and audited."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from tests.factories import CourseRunFactory, LevelFactory, PriceOptionFactory
from trainingdesk.accounts.models import User
from trainingdesk.audit.models import AuditEntry
from trainingdesk.catalogue.demo import Demo
from trainingdesk.catalogue.models import CourseRun, RunStatus
from trainingdesk.catalogue.services import copy_run, publish_run

UK = ZoneInfo("Europe/London")


def test_copy_run_keeps_the_day_4_gap_of_the_brochure(brochure: Demo, coordinator: User) -> None:
    copy = copy_run(run=brochure.summer_2022, first_date=dt.date(2023, 6, 20),
                    title="Summer 2023", actor=coordinator)
    assert list(copy.days.order_by("number").values_list("date", flat=True)) == [
        dt.date(2023, 6, 20), dt.date(2023, 6, 21), dt.date(2023, 6, 22), dt.date(2023, 9, 14),
    ]
    assert set(copy.days.values_list("arrival_time", "start_time", "finish_time")) == {
        (dt.time(9), dt.time(9, 30), dt.time(16, 30))
    }
    assert (copy.status, copy.joining_link, copy.title) == (RunStatus.DRAFT, "", "Summer 2023")


def test_copy_run_keeps_the_booking_window_as_far_before_day_1(brochure: Demo) -> None:
    copy = copy_run(run=brochure.summer_2022, first_date=dt.date(2023, 6, 20),
                    title="Summer 2023", actor=None)
    assert copy.booking_opens_at == dt.datetime(2023, 2, 28, 9, tzinfo=UK)
    assert copy.booking_closes_at == dt.datetime(2023, 6, 13, 17, tzinfo=UK)


def test_copy_run_keeps_the_closing_time_of_day_across_a_change_of_clocks(db: None) -> None:
    # Booking closed at 5pm GMT before a December run; the copy in June closes at 5pm BST.
    run = CourseRunFactory(
        level=LevelFactory(days_required=1), days=[dt.date(2022, 12, 6)],
        booking_closes_at=dt.datetime(2022, 11, 29, 17, tzinfo=UK),
    )
    copy = copy_run(run=run, first_date=dt.date(2023, 6, 6), title="June", actor=None)
    assert copy.booking_closes_at == dt.datetime(2023, 5, 30, 17, tzinfo=UK)
    assert copy.booking_closes_at.astimezone(dt.UTC).hour == 16


def test_copy_run_moves_an_early_rate_deadline_with_the_days(db: None) -> None:
    run = CourseRunFactory(level=LevelFactory(days_required=1), days=[dt.date(2022, 6, 21)])
    PriceOptionFactory(run=run, name="Early", available_until=dt.date(2022, 5, 31))
    copy = copy_run(run=run, first_date=dt.date(2023, 6, 20), title="2023", actor=None)
    assert list(copy.options.values_list("available_until", flat=True)) == [dt.date(2023, 5, 30)]


def test_a_run_without_days_cannot_be_copied(db: None) -> None:
    run = CourseRunFactory()
    with pytest.raises(ValidationError):
        copy_run(run=run, first_date=dt.date(2023, 6, 20), title="Empty", actor=None)


def test_publish_run_refuses_a_run_short_of_its_days(db: None, coordinator: User) -> None:
    run = CourseRunFactory(status=RunStatus.DRAFT, days=[dt.date(2022, 6, 21)])
    with pytest.raises(ValidationError, match="requires 4 days and the run has 1"):
        publish_run(run=run, actor=coordinator)
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT
    assert not AuditEntry.objects.filter(action="catalogue.run.published").exists()


def test_publish_run_refuses_a_run_whose_booking_closes_after_it_starts(
    db: None, coordinator: User
) -> None:
    days = [dt.date(2027, 6, 1), dt.date(2027, 6, 2), dt.date(2027, 6, 3), dt.date(2027, 9, 14)]
    run = CourseRunFactory(status=RunStatus.DRAFT, days=days,
                           booking_closes_at=dt.datetime(2027, 6, 1, 12, 0, tzinfo=dt.UTC))
    with pytest.raises(ValidationError, match="Booking must close before"):
        publish_run(run=run, actor=coordinator)
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT


def test_publish_run_publishes_a_complete_run_and_audits_it(db: None, coordinator: User) -> None:
    days = [dt.date(2027, 6, 1), dt.date(2027, 6, 2), dt.date(2027, 6, 3), dt.date(2027, 9, 14)]
    run = CourseRunFactory(status=RunStatus.DRAFT, days=days,
                           booking_closes_at=dt.datetime(2027, 5, 25, tzinfo=dt.UTC))
    publish_run(run=run, actor=coordinator)
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED
    entry = AuditEntry.objects.get(action="catalogue.run.published")
    assert (entry.before["status"], entry.after["status"], entry.actor) == ("draft", "published",
                                                                            coordinator)


def _complete_draft(**fields: object) -> CourseRun:
    days = [dt.date(2027, 6, 1), dt.date(2027, 6, 2), dt.date(2027, 6, 3), dt.date(2027, 9, 14)]
    return CourseRunFactory(status=RunStatus.DRAFT, days=days,
                            booking_closes_at=dt.datetime(2027, 5, 25, tzinfo=dt.UTC), **fields)


def test_an_online_run_without_its_joining_link_is_not_published(db: None, coordinator: User) -> None:
    run = _complete_draft(delivery="online", joining_link="")
    with pytest.raises(ValidationError, match="An online run needs its joining link"):
        publish_run(run=run, actor=coordinator)
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT


def test_a_run_at_a_venue_needs_no_joining_link(db: None, coordinator: User) -> None:
    run = _complete_draft(delivery="venue", joining_link="", venue_name="Friends House",
                          venue_address="173 Euston Road, London")
    publish_run(run=run, actor=coordinator)
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED


def test_copy_run_keeps_its_trainers(brochure: Demo, coordinator: User, trainer: User) -> None:
    run = brochure.summer_2022
    run.trainers.add(trainer)
    expected = set(run.trainers.values_list("pk", flat=True))
    copy = copy_run(run=run, first_date=dt.date(2023, 6, 20), title="Summer 2023", actor=coordinator)
    assert set(copy.trainers.values_list("pk", flat=True)) == expected
    entry = AuditEntry.objects.get(action="catalogue.run.copied", object_id=str(copy.pk))
    assert entry.after["trainers"] == sorted(expected)
