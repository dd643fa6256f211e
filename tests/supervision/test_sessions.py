"""A group's sessions: planned from the level's terms and the runs it serves, moved or
cancelled one at a time, with everyone in the group told."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests.supervision.conftest import attended
from trainingdesk.audit.models import AuditEntry
from trainingdesk.supervision import services
from trainingdesk.supervision.models import SessionStatus, SupervisionSession

UK = ZoneInfo("Europe/London")
NOW = dt.datetime(2022, 10, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def planned(coordinator, summer, tuesday_group):
    tuesday_group.runs.add(summer)
    return services.plan_sessions(group=tuesday_group, actor=coordinator)


def test_the_demo_run_s_group_meets_from_mid_october_every_2_months_at_7pm_uk_time(planned):
    sessions = list(SupervisionSession.objects.order_by("starts_at"))
    local = [s.starts_at.astimezone(UK) for s in sessions]
    assert [d.date() for d in local] == [dt.date(2022, 10, 18), dt.date(2022, 12, 20),
                                         dt.date(2023, 2, 21), dt.date(2023, 4, 18),
                                         dt.date(2023, 6, 20), dt.date(2023, 8, 22)]
    assert {d.time() for d in local} == {dt.time(19, 0)}
    assert {s.minutes for s in sessions} == {120}  # 6 x 2 hours: the 12 hours of the option
    assert sessions[0].starts_at.astimezone(dt.UTC).hour == 18  # British Summer Time
    assert sessions[1].starts_at.astimezone(dt.UTC).hour == 19  # GMT


def test_a_schedule_is_planned_once(coordinator, planned, tuesday_group):
    with pytest.raises(ValidationError, match="already planned"):
        services.plan_sessions(group=tuesday_group, actor=coordinator)
    assert SupervisionSession.objects.count() == 6


def test_a_group_serving_no_run_cannot_be_planned(coordinator, tuesday_group):
    with pytest.raises(ValidationError, match="Choose the runs the group serves"):
        services.plan_sessions(group=tuesday_group, actor=coordinator)
    assert not SupervisionSession.objects.exists()


def test_moving_a_session_tells_everyone_in_the_group_and_raises_its_sequence(
    coordinator, planned, summer, trainer, tuesday_group, django_capture_on_commit_callbacks
):
    member = attended(summer, trainer)
    services.allocate(booking=member, group=tuesday_group, actor=coordinator, now=NOW)
    first = SupervisionSession.objects.order_by("starts_at").first()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.move_session(session=first, actor=coordinator, now=NOW,
                                      new_start=dt.datetime(2022, 10, 25, 19, 0, tzinfo=UK))
    assert moved.starts_at == dt.datetime(2022, 10, 25, 18, 0, tzinfo=dt.UTC) and moved.sequence == 1
    told = [m for m in mail.outbox if m.to == [member.participant.email]]
    assert told and "Tuesday 25 October 2022, 7pm to 9pm" in told[0].body
    assert AuditEntry.objects.filter(action="supervision.session.moved").exists()


@pytest.mark.parametrize(("new_start", "message"), [
    (dt.datetime(2022, 9, 1, 19, 0, tzinfo=UK), "past"),
    (dt.datetime(2022, 12, 20, 20, 0, tzinfo=UK), ""),  # onto the second session
])
def test_a_move_into_the_past_or_onto_another_session_is_refused(coordinator, planned, new_start,
                                                                 message):
    first = SupervisionSession.objects.order_by("starts_at").first()
    with pytest.raises(ValidationError):
        services.move_session(session=first, new_start=new_start, actor=coordinator, now=NOW)
    assert SupervisionSession.objects.get(pk=first.pk).starts_at == first.starts_at


def test_cancelling_a_session_keeps_it_as_cancelled_for_calendars(coordinator, planned):
    first = SupervisionSession.objects.order_by("starts_at").first()
    services.cancel_session(session=first, actor=coordinator, now=NOW)
    first.refresh_from_db()
    assert (first.status, first.sequence) == (SessionStatus.CANCELLED, 1)


def test_only_the_coordinator_plans_moves_or_cancels(supervisor, participant, tuesday_group,
                                                     summer):
    tuesday_group.runs.add(summer)
    for person in (supervisor.user, participant):
        with pytest.raises(PermissionDenied):
            services.plan_sessions(group=tuesday_group, actor=person)
    assert not SupervisionSession.objects.exists()
