"""Who may open each attendance page: the run's trainers and the coordinator keep registers and
see reports; only the coordinator imports Zoom reports and assigns make-up days."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.attendance.conftest import booked
from tests.attendance.fixtures_extra import *  # noqa: F403 - the fixtures
from tests.attendance.fixtures_extra import day

pytestmark = pytest.mark.usefixtures("after_the_last_day")

BOTH, COORDINATOR_ONLY = "trainers and coordinator", "coordinator only"
# name, method, arguments ("run", "day" or "booking"), who may, data
PAGES = [
    ("attendance:run_days", "get", "run", BOTH),
    ("attendance:run_report", "get", "run", BOTH),
    ("attendance:run_report_csv", "get", "run", BOTH),
    ("attendance:register", "get", "day", BOTH),
    ("attendance:mark", "post", "day", BOTH),
    ("attendance:mark_all_present", "post", "day", BOTH),
    ("attendance:close_register", "post", "day", BOTH),
    ("attendance:zoom_upload", "get", "day", COORDINATOR_ONLY),
    ("attendance:zoom_preview", "get", "day+token", COORDINATOR_ONLY),
    ("attendance:assign_make_up", "get", "booking", COORDINATOR_ONLY),
]
PERSONAS = ["anonymous", "participant", "another participant", "another run's trainer", "the run's trainer",
            "coordinator"]


@pytest.fixture
def booking(foundation_run, option, participant, outsider):
    booked(foundation_run, option, outsider)
    return booked(foundation_run, option, participant)


def _request(client, name, method, arguments, booking):
    first = day(booking.run, 1)
    args = {"run": [booking.run_id], "day": [first.pk], "day+token": [first.pk, "some-token"],
            "booking": [booking.reference]}[arguments]
    url = reverse(name, args=args)
    if method == "get":
        return url, client.get(url)
    return url, client.post(url, {"booking": booking.pk, "status": "present"})


def _log_in(client, persona, request):
    user = {"participant": "participant", "another participant": "outsider",
            "another run's trainer": "other_trainer", "the run's trainer": "trainer",
            "coordinator": "coordinator"}.get(persona)
    if user:
        client.force_login(request.getfixturevalue(user))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name, method, arguments, who", PAGES, ids=[p[0] for p in PAGES])
def test_each_page_admits_only_those_who_may_see_it(client, request, booking, persona, name, method,
                                                    arguments, who):
    _log_in(client, persona, request)

    url, response = _request(client, name, method, arguments, booking)

    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:login") + "?next=" + url
    elif persona == "coordinator" or (persona == "the run's trainer" and who == BOTH):
        assert response.status_code in (200, 302)
        assert "accounts/login" not in response.get("Location", "")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona, status", [
    ("participant", 403), ("another participant", 403), ("another run's trainer", 200),
    ("the run's trainer", 200), ("coordinator", 200),
])
def test_the_list_of_registers_is_for_trainers_and_the_coordinator(client, request, booking, other_trainer,
                                                                   later_run, persona, status):
    _log_in(client, persona, request)
    response = client.get(reverse("attendance:index"))
    assert response.status_code == status
    if persona == "another run's trainer":
        assert [r.pk for r in response.context["runs"]] == [later_run.pk]  # only their own
    if persona == "coordinator":
        assert {r.pk for r in response.context["runs"]} == {booking.run_id, later_run.pk}


def test_an_anonymous_visitor_is_sent_to_sign_in_for_the_list(client):
    response = client.get(reverse("attendance:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
