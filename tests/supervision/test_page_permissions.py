"""Every supervision page for every persona: only the group's supervisor and the coordinator see
its members and registers; moving, cancelling and adding a guest are the coordinator's (403 for
anyone else signed in, as on every staff page); a participant sees only their own supervision.
After each refused POST the database is checked: nothing changed."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.supervision.conftest import AFTER_FIRST, PLANNED_ON
from trainingdesk.supervision.models import (
    OwnSupervisor,
    SessionGuest,
    SessionMark,
    SessionStatus,
    SupervisionSession,
)

PERSONAS = ["anonymous", "member", "other_participant", "trainer", "group_supervisor",
            "other_supervisor", "coordinator"]


@pytest.fixture
def as_persona(request, client: Client, member, other_participant, trainer, supervisor,
               other_supervisor, coordinator):
    def sign_in(persona: str) -> Client:
        user = {"anonymous": None, "member": member, "other_participant": other_participant,
                "trainer": trainer, "group_supervisor": supervisor.user,
                "other_supervisor": other_supervisor.user, "coordinator": coordinator}[persona]
        if user is not None:
            client.force_login(user)
        return client
    return sign_in


def _first_session() -> SupervisionSession:
    return SupervisionSession.objects.order_by("starts_at").first()


def _state() -> tuple:
    return (list(SupervisionSession.objects.order_by("pk").values_list("starts_at", "status",
                                                                       "sequence")),
            SessionMark.objects.count(), SessionGuest.objects.count(),
            OwnSupervisor.objects.count())


KEEPERS = {"group_supervisor": 200, "coordinator": 200}
COORDINATOR = {"coordinator": 200}


def _expected(table: dict[str, int], persona: str, *, others: int) -> int:
    if persona == "anonymous":
        return 302
    return table.get(persona, others)


@pytest.mark.parametrize("persona", PERSONAS)
def test_my_supervision_is_each_person_s_own(as_persona, persona, member):
    response = as_persona(persona).get(reverse("supervision:mine"))
    assert response.status_code == (302 if persona == "anonymous" else 200)
    if persona == "anonymous":
        assert "sign-in" in response["Location"]
    body = response.content.decode()
    assert ("https://zoom.us/j/1234567890" in body) == (persona == "member")


@pytest.mark.parametrize("persona", PERSONAS)
def test_nobody_records_a_supervisor_on_another_person_s_booking(as_persona, persona, member):
    booking = member.bookings.get()
    before = _state()
    response = as_persona(persona).post(reverse("supervision:mine"), {
        "booking": booking.pk, f"b{booking.pk}-name": "Eve", f"b{booking.pk}-accreditation": "x",
        f"b{booking.pk}-contact": "eve@example.org"})
    assert response.status_code == (302 if persona == "anonymous" else 404)
    assert _state() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_supervisor_and_the_coordinator_see_the_group_page(as_persona, persona,
                                                                    planned_group):
    response = as_persona(persona).get(reverse("supervision:group", args=[planned_group.pk]))
    assert response.status_code == _expected(KEEPERS, persona, others=404)
    assert ("mia@example.org" in response.content.decode()) == (persona in KEEPERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_supervisor_and_the_coordinator_keep_the_register(as_persona, persona, member):
    session = _first_session()
    allocation = member.bookings.get().supervision_allocation
    url = reverse("supervision:register", args=[session.pk])
    client = as_persona(persona)
    with time_machine.travel(AFTER_FIRST, tick=False):
        assert client.get(url).status_code == _expected(KEEPERS, persona, others=404)
        before = _state()
        response = client.post(url, {f"m{allocation.pk}": "present"})
    if persona in KEEPERS:
        assert response.status_code == 302
        assert SessionMark.objects.get().present is True
    else:
        assert response.status_code == _expected({}, persona, others=404)
        assert _state() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_moves_a_session(as_persona, persona, member):
    session = _first_session()
    url = reverse("supervision:move", args=[session.pk])
    client = as_persona(persona)
    with time_machine.travel(PLANNED_ON, tick=False):
        assert client.get(url).status_code == _expected(COORDINATOR, persona, others=403)
        before = _state()
        response = client.post(url, {"new_start": "2022-10-25", "start_time": "19:00"})
    if persona == "coordinator":
        assert response.status_code == 302
        assert _first_session().sequence == 1
    else:
        assert response.status_code == _expected({}, persona, others=403)
        assert _state() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_cancels_a_session(as_persona, persona, member):
    session = _first_session()
    url = reverse("supervision:cancel", args=[session.pk])
    client = as_persona(persona)
    with time_machine.travel(PLANNED_ON, tick=False):
        assert client.get(url).status_code == _expected(COORDINATOR, persona, others=403)
        before = _state()
        response = client.post(url)
    if persona == "coordinator":
        assert response.status_code == 302
        assert _first_session().status == SessionStatus.CANCELLED
    else:
        assert response.status_code == _expected({}, persona, others=403)
        assert _state() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_adds_a_make_up_guest(as_persona, persona, member, other_supervisor,
                                                   coordinator, summer, trainer):
    from tests.supervision.conftest import attended
    from trainingdesk.supervision.services import allocate
    thursday = other_supervisor.groups.get()
    guest_booking = attended(summer, trainer)
    allocation = allocate(booking=guest_booking, group=thursday, actor=coordinator)
    session = _first_session()
    url = reverse("supervision:guest", args=[session.pk])
    client = as_persona(persona)
    assert client.get(url).status_code == _expected(COORDINATOR, persona, others=403)
    before = _state()
    response = client.post(url, {"allocation": allocation.pk})
    if persona == "coordinator":
        assert response.status_code == 302
        assert SessionGuest.objects.get().allocation == allocation
    else:
        assert response.status_code == _expected({}, persona, others=403)
        assert _state() == before


def test_another_supervisor_is_told_a_group_does_not_exist(client, other_supervisor, member):
    client.force_login(other_supervisor.user)
    own_group = other_supervisor.groups.get()
    assert client.get(reverse("supervision:group", args=[own_group.pk])).status_code == 200
    session = _first_session()
    with time_machine.travel(AFTER_FIRST, tick=False):
        assert client.get(reverse("supervision:register", args=[session.pk])).status_code == 404
