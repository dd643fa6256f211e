"""/supervision/allocate/: who waits for a group, the groups that suit them, and allocating,
never past a group's places."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.supervision.conftest import attended
from trainingdesk.audit.models import AuditEntry
from trainingdesk.supervision import services
from trainingdesk.supervision.models import Allocation, SupervisionSession

URL = reverse("supervision:allocate")


def test_the_list_holds_those_who_bought_supervision_and_completed_their_level(
    summer, trainer, tuesday_group
):
    waiting = attended(summer, trainer)
    attended(summer, trainer, supervision=False)  # records their own supervisor instead
    assert list(services.waiting_for_a_group()) == [waiting]


def test_groups_are_suggested_at_a_reasonable_evening_hour_in_the_person_s_own_zone(
    summer, trainer, tuesday_group
):
    london = attended(summer, trainer)
    sydney = attended(summer, trainer, zone="Australia/Sydney")  # 19:00 in London is morning there
    groups = services.groups_with_places()
    today = dt.date(2022, 10, 1)
    assert [s.group for s in services.suggestions(london, groups, today=today)] == [tuesday_group]
    assert services.suggestions(sydney, groups, today=today) == []


def test_allocating_gives_a_place_emails_the_schedule_in_their_zone_and_is_audited(
    client, coordinator, summer, trainer, tuesday_group, django_capture_on_commit_callbacks
):
    booking = attended(summer, trainer, zone="America/New_York")
    SupervisionSession.objects.create(
        group=tuesday_group, number=1, starts_at=dt.datetime(2022, 10, 18, 18, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2022, 10, 18, 20, 0, tzinfo=dt.UTC))
    client.force_login(coordinator)
    assert booking.participant.full_name in client.get(URL).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"booking": booking.pk, "group": tuesday_group.pk}, follow=True)
    assert "is in Tuesday evenings and has been emailed the schedule" in response.content.decode()
    assert Allocation.objects.get().group == tuesday_group
    email = next(m for m in mail.outbox if m.to == [booking.participant.email])
    assert "Tuesday 18 October 2022, 2pm to 4pm" in email.body  # 19:00 UK is 14:00 in New York
    ics = next(a for a in email.attachments if a[0] == "supervision.ics")
    calendar = icalendar.Calendar.from_ical(ics[1])
    assert [e["DTSTART"].dt for e in calendar.walk("VEVENT")] == [
        dt.datetime(2022, 10, 18, 18, 0, tzinfo=dt.UTC)]
    assert AuditEntry.objects.get(action="supervision.allocation.made").actor == coordinator


def test_a_full_group_is_never_over_allocated(coordinator, summer, trainer, tuesday_group):
    first, second, third = (attended(summer, trainer) for _ in range(3))
    for booking in (first, second):
        services.allocate(booking=booking, group=tuesday_group, actor=coordinator)
    with pytest.raises(ValidationError, match="Tuesday evenings is full"):
        services.allocate(booking=third, group=tuesday_group, actor=coordinator)
    assert Allocation.objects.count() == 2


def test_only_those_who_bought_the_option_and_completed_can_be_allocated(
    coordinator, summer, trainer, tuesday_group
):
    without = attended(summer, trainer, supervision=False)
    with pytest.raises(ValidationError, match="chose group supervision and completed"):
        services.allocate(booking=without, group=tuesday_group, actor=coordinator)
    allocated = attended(summer, trainer)
    services.allocate(booking=allocated, group=tuesday_group, actor=coordinator)
    with pytest.raises(ValidationError, match="already has a supervision group"):
        services.allocate(booking=allocated, group=tuesday_group, actor=coordinator)
    assert Allocation.objects.count() == 1


@pytest.mark.parametrize("persona", [None, "participant", "outsider", "trainer"])
def test_nobody_but_the_coordinator_allocates(client, persona, request, summer, trainer,
                                             tuesday_group):
    booking = attended(summer, trainer)
    if persona:
        client.force_login(request.getfixturevalue(persona))
    expected = 302 if persona is None else 403
    assert client.get(URL).status_code == expected
    assert client.post(URL, {"booking": booking.pk, "group": tuesday_group.pk}).status_code == expected
    assert not Allocation.objects.exists()
    with pytest.raises(PermissionDenied):
        services.allocate(booking=booking, group=tuesday_group, actor=booking.participant)


def test_the_supervisor_cannot_allocate_either(client, supervisor, summer, trainer, tuesday_group):
    booking = attended(summer, trainer)
    client.force_login(supervisor.user)
    assert client.post(URL, {"booking": booking.pk, "group": tuesday_group.pk}).status_code == 403
    assert not Allocation.objects.exists()


def test_the_page_s_queries_do_not_grow_with_people_and_groups(
    client, coordinator, summer, trainer, tuesday_group, supervisor, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from trainingdesk.supervision.models import SupervisionGroup

    attended(summer, trainer)
    client.force_login(coordinator)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for n in range(10):
        attended(summer, trainer)
        SupervisionGroup.objects.create(
            name=f"Group {n}", level=tuesday_group.level, supervisor=supervisor, capacity=8,
            weekday=n % 7, start_time=dt.time(18, 30), time_zone="Europe/London",
            joining_link="https://zoom.us/j/1")
    with django_assert_num_queries(len(one)):
        response = client.get(URL)
    assert len(response.context["rows"]) == 11
