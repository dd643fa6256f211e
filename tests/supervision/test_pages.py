"""The supervision pages at work: a member's own page (their group, sessions in their zone, the
joining link, hours so far), recording one's own supervisor, the group page, the register and
hours, make-up guests, moving and cancelling with messages at the field, and the admin's
refusals. Data made through the services."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.supervision.conftest import AFTER_FIRST, PLANNED_ON, attended
from trainingdesk.audit.models import AuditEntry
from trainingdesk.supervision import services
from trainingdesk.supervision.models import (
    OwnSupervisor,
    SessionMark,
    SessionStatus,
    SupervisionGroup,
    SupervisionSession,
)


def _sessions() -> list[SupervisionSession]:
    return list(SupervisionSession.objects.order_by("starts_at"))


def _mark(session, allocation, present, actor):
    with time_machine.travel(session.ends_at, tick=False):
        services.record_session_marks(session=session, present={allocation.pk: present},
                                      actor=actor)


# --- a member's page --------------------------------------------------------------------------


def test_a_member_sees_their_sessions_in_their_own_zone_and_their_hours(
        client, member, supervisor):
    member.time_zone = "Asia/Tokyo"
    member.save()
    allocation = member.bookings.get().supervision_allocation
    first, second = _sessions()[:2]
    _mark(first, allocation, True, supervisor.user)
    _mark(second, allocation, False, supervisor.user)
    client.force_login(member)
    body = client.get(reverse("supervision:mine")).content.decode()
    assert "Tuesday evenings" in body and "https://zoom.us/j/1234567890" in body
    # 7pm in London on 18 October 2022 is 3am the next day in Tokyo.
    assert "Wednesday 19 October 2022, 3am to 5am" in body
    assert "2 of 12 hours" in body
    assert "Attended" in body and "Missed" in body


def test_someone_waiting_for_a_group_is_told_so(client, other_participant):
    client.force_login(other_participant)
    body = client.get(reverse("supervision:mine")).content.decode()
    assert "will place you in a group" in body and "zoom.us" not in body


def test_without_the_option_a_participant_records_their_own_supervisor(client, summer, trainer):
    booking = attended(summer, trainer, supervision=False)
    client.force_login(booking.participant)
    url = reverse("supervision:mine")
    assert "Record my supervisor" in client.get(url).content.decode()
    response = client.post(url, {"booking": booking.pk, f"b{booking.pk}-name": "Dr Ann Smith",
                                 f"b{booking.pk}-accreditation": "NVRA accredited supervisor",
                                 f"b{booking.pk}-contact": "ann@example.org"})
    assert response.status_code == 302
    own = OwnSupervisor.objects.get(booking=booking)
    assert (own.name, own.contact) == ("Dr Ann Smith", "ann@example.org")
    assert AuditEntry.objects.filter(action="supervision.own_supervisor.recorded").count() == 1
    # Changed later: the same row, audited again.
    client.post(url, {"booking": booking.pk, f"b{booking.pk}-name": "Dr Ann Smith",
                      f"b{booking.pk}-accreditation": "NVRA", f"b{booking.pk}-contact": "0123"})
    assert OwnSupervisor.objects.get(booking=booking).contact == "0123"
    assert AuditEntry.objects.filter(action="supervision.own_supervisor.recorded").count() == 2


def test_an_own_supervisor_without_a_contact_is_refused_at_the_field(client, summer, trainer):
    booking = attended(summer, trainer, supervision=False)
    client.force_login(booking.participant)
    response = client.post(reverse("supervision:mine"), {
        "booking": booking.pk, f"b{booking.pk}-name": "Dr Ann Smith",
        f"b{booking.pk}-accreditation": "NVRA", f"b{booking.pk}-contact": ""})
    assert response.status_code == 400
    form = response.context["rows"][0].form
    assert "contact" in form.errors
    assert not OwnSupervisor.objects.exists()


def test_a_booking_with_the_option_cannot_record_an_own_supervisor(member):
    booking = member.bookings.get()
    from django.core.exceptions import ValidationError
    with pytest.raises(ValidationError, match="includes group supervision"):
        services.record_own_supervisor(booking=booking, name="A", accreditation="B", contact="C",
                                       actor=member)
    assert not OwnSupervisor.objects.exists()


# --- the group page ---------------------------------------------------------------------------


def test_the_group_page_lists_members_and_sessions_for_the_supervisor(client, member, supervisor):
    client.force_login(supervisor.user)
    body = client.get(reverse("supervision:group",
                              args=[SupervisionGroup.objects.get().pk])).content.decode()
    assert "Mia Member" in body and "mia@example.org" in body
    assert "Tuesday 18 October 2022, 7pm to 9pm" in body
    assert "/move/" not in body  # the coordinator's, not the supervisor's


def test_the_group_page_runs_a_fixed_number_of_queries_as_members_grow(
        client, coordinator, planned_group, summer, trainer):
    planned_group.capacity = 30
    planned_group.save()
    url = reverse("supervision:group", args=[planned_group.pk])
    client.force_login(coordinator)

    client.get(url)  # the first request after signing in also touches the session

    def grow_to(count: int) -> int:
        while planned_group.allocations.count() < count:
            booking = attended(summer, trainer)
            allocation = services.allocate(booking=booking, group=planned_group, actor=coordinator)
            _mark(_sessions()[0], allocation, True, coordinator)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert grow_to(1) == grow_to(6)


# --- the register and hours ------------------------------------------------------------------


def test_the_register_opens_when_the_session_starts(client, supervisor, member):
    client.force_login(supervisor.user)
    session = _sessions()[0]
    allocation = member.bookings.get().supervision_allocation
    url = reverse("supervision:register", args=[session.pk])
    with time_machine.travel(PLANNED_ON, tick=False):
        assert "opens when the session starts" in client.get(url).content.decode()
        response = client.post(url, {f"m{allocation.pk}": "present"})
    assert response.status_code == 400
    assert not SessionMark.objects.exists()


def test_marking_present_counts_the_session_s_length_toward_the_hours(
        client, supervisor, member):
    client.force_login(supervisor.user)
    session = _sessions()[0]
    allocation = member.bookings.get().supervision_allocation
    with time_machine.travel(AFTER_FIRST, tick=False):
        client.post(reverse("supervision:register", args=[session.pk]),
                    {f"m{allocation.pk}": "present"})
    mark = SessionMark.objects.get()
    assert mark.present and mark.recorded_by == supervisor.user
    assert services.minutes_present([allocation]) == {allocation.pk: 120}
    assert AuditEntry.objects.filter(action="supervision.session.marked").count() == 1
    with time_machine.travel(AFTER_FIRST, tick=False):  # marked absent after all
        client.post(reverse("supervision:register", args=[session.pk]),
                    {f"m{allocation.pk}": "absent"})
    assert services.minutes_present([allocation]) == {allocation.pk: 0}


def test_a_member_of_another_group_makes_up_a_session_as_a_guest(
        client, coordinator, member, other_supervisor, summer, trainer):
    thursday = other_supervisor.groups.get()
    guest = services.allocate(booking=attended(summer, trainer), group=thursday, actor=coordinator)
    session = _sessions()[0]
    client.force_login(coordinator)
    response = client.post(reverse("supervision:guest", args=[session.pk]),
                           {"allocation": guest.pk})
    assert response.status_code == 302
    with time_machine.travel(AFTER_FIRST, tick=False):
        page = client.get(reverse("supervision:register", args=[session.pk])).content.decode()
        assert "making up a session, from Thursday evenings" in page
        client.post(reverse("supervision:register", args=[session.pk]), {f"m{guest.pk}": "present"})
    assert services.minutes_present([guest]) == {guest.pk: 120}
    # Added twice: refused at the field.
    response = client.post(reverse("supervision:guest", args=[session.pk]), {"allocation": guest.pk})
    assert response.status_code == 400 and "allocation" in response.context["form"].errors


def test_someone_not_on_the_register_cannot_be_marked(supervisor, member, other_participant,
                                                      coordinator, other_supervisor):
    from django.core.exceptions import ValidationError
    thursday = other_supervisor.groups.get()
    stranger = services.allocate(booking=other_participant.bookings.get(), group=thursday,
                                 actor=coordinator)
    session = _sessions()[0]
    with time_machine.travel(AFTER_FIRST, tick=False), pytest.raises(ValidationError):
        services.record_session_marks(session=session, present={stranger.pk: True},
                                      actor=supervisor.user)
    assert not SessionMark.objects.exists()


# --- moving and cancelling ------------------------------------------------------------------


@pytest.mark.parametrize(("date", "time", "message"), [
    ("2022-09-01", "19:00", "past"),
    ("2022-12-20", "20:00", "overlaps session 2"),
    ("2023-03-26", "01:30", ""),  # the hour the UK's clocks skip
    ("21 February", "19:00", "year-month-day"),
])
def test_a_refused_move_says_why_at_the_date_and_saves_nothing(
        client, coordinator, member, date, time, message):
    client.force_login(coordinator)
    session = _sessions()[0]
    mail.outbox.clear()
    with time_machine.travel(PLANNED_ON, tick=False):
        response = client.post(reverse("supervision:move", args=[session.pk]),
                               {"new_start": date, "start_time": time})
    assert response.status_code == 400
    errors = response.context["form"].errors["new_start"]
    assert message in " ".join(errors)
    assert _sessions()[0].starts_at == session.starts_at and _sessions()[0].sequence == 0
    assert not mail.outbox


def test_moving_a_session_reads_the_time_in_the_group_s_zone_and_tells_the_group(
        client, coordinator, member, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    session = _sessions()[0]
    mail.outbox.clear()
    with time_machine.travel(PLANNED_ON, tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("supervision:move", args=[session.pk]),
                               {"new_start": "2022-10-25", "start_time": "19:00"})
    assert response.status_code == 302
    moved = _sessions()[0]
    assert moved.starts_at == dt.datetime(2022, 10, 25, 19, 0, tzinfo=ZoneInfo("Europe/London"))
    assert [m.to for m in mail.outbox] == [["mia@example.org"]]


def test_cancelling_asks_first_then_cancels_and_tells_the_group(
        client, coordinator, member, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    session = _sessions()[0]
    url = reverse("supervision:cancel", args=[session.pk])
    with time_machine.travel(PLANNED_ON, tick=False):
        assert "Yes, cancel the session" in client.get(url).content.decode()
        assert _sessions()[0].status == SessionStatus.SCHEDULED
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url).status_code == 302
    assert _sessions()[0].status == SessionStatus.CANCELLED
    assert [m.to for m in mail.outbox] == [["mia@example.org"]]
    with time_machine.travel(PLANNED_ON, tick=False):  # twice: refused, said on the page
        response = client.post(url)
    assert response.status_code == 400 and response.context["error"]


# --- the back office -------------------------------------------------------------------------


def test_the_admin_refuses_fewer_places_than_members(admin_client, member, planned_group):
    from trainingdesk.supervision.admin import SupervisionGroupForm
    data = {"name": planned_group.name, "level": planned_group.level_id,
            "supervisor": planned_group.supervisor_id, "capacity": 0, "weekday": 1,
            "start_time": "19:00", "time_zone": "Europe/London", "country": "GB",
            "subdivision": "ENG", "joining_link": planned_group.joining_link,
            "runs": [r.pk for r in planned_group.runs.all()]}
    form = SupervisionGroupForm(data={**data, "capacity": 1}, instance=planned_group)
    assert form.is_valid(), form.errors
    planned_group.capacity = 2
    planned_group.save()
    services.allocate(booking=attended(planned_group.runs.get(), planned_group.runs.get()
                                       .trainers.get()), group=planned_group,
                      actor=planned_group.allocations.get().allocated_by)
    form = SupervisionGroupForm(data={**data, "capacity": 1}, instance=planned_group)
    assert not form.is_valid()
    assert "2 members" in form.errors["capacity"][0]
    assert SupervisionGroup.objects.get().capacity == 2


def test_planning_an_evening_the_clocks_skip_is_refused_with_the_service_s_message(
        admin_client, foundation, tuesday_group):
    # 1:30am on Sunday 26 March 2023 does not exist in London: clocks go from 1am to 2am.
    from tests.factories import CourseRunFactory
    run = CourseRunFactory(level=foundation, days=[dt.date(2023, 2, 25), dt.date(2023, 2, 26)])
    tuesday_group.runs.add(run)
    tuesday_group.weekday, tuesday_group.start_time = 6, dt.time(1, 30)
    tuesday_group.save()
    response = admin_client.post(reverse("admin:supervision_supervisiongroup_changelist"),
                                 {"action": "plan", "_selected_action": [tuesday_group.pk]},
                                 follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert not SupervisionSession.objects.exists()
    assert len(shown) == 1 and shown[0].startswith("Tuesday evenings: ")
    assert "does not exist in Europe/London on Sunday 26 March 2023" in shown[0]


# --- filling the register in from a Zoom report -----------------------------------------------

ZOOM_REPORT = (
    b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r\n"
    b"Mia Member,mia@example.org,10/18/2022 06:58:00 PM,10/18/2022 09:01:00 PM,123,No\r\n"
    b"Visitor,visitor@elsewhere.example,10/18/2022 07:00:00 PM,10/18/2022 08:00:00 PM,60,Yes\r\n"
)


def test_a_session_s_zoom_report_fills_in_its_register_for_the_supervisor_to_save(
        client, member, supervisor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    first = _sessions()[0]
    url = reverse("supervision:register", args=[first.pk])
    client.force_login(supervisor.user)
    with time_machine.travel(AFTER_FIRST, tick=False):
        response = client.post(url, {
            "import": "1", "zone": "Europe/London",
            "report": SimpleUploadedFile("report.csv", ZOOM_REPORT, "text/csv")})
        body = response.content.decode()
        assert response.status_code == 200
        assert "Filled in from the Zoom report" in body and "120 minutes in the report" in body
        assert "Visitor &lt;visitor@elsewhere.example&gt;" in body
        allocation = member.bookings.get().supervision_allocation
        assert response.context["form"][f"m{allocation.pk}"].value() == "present"
        assert not SessionMark.objects.exists()  # nothing is saved until the register is
        client.post(url, {f"m{allocation.pk}": "present"})
    assert SessionMark.objects.get().present is True


def test_a_report_that_cannot_be_read_is_refused_at_its_field_and_nothing_changes(
        client, member, supervisor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    first = _sessions()[0]
    client.force_login(supervisor.user)
    with time_machine.travel(AFTER_FIRST, tick=False):
        response = client.post(reverse("supervision:register", args=[first.pk]), {
            "import": "1", "zone": "Europe/London",
            "report": SimpleUploadedFile("report.csv", b"not,a,zoom,report\r\n", "text/csv")})
    assert response.status_code == 400
    assert "report" in response.context["upload"].errors
    assert not SessionMark.objects.exists()
