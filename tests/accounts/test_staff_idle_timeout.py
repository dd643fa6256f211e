"""Staff are signed out after STAFF_IDLE_MINUTES without a request; participants are not."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def _visit(client, minutes_later: float, url: str):
    with time_machine.travel(T0 + dt.timedelta(minutes=minutes_later), tick=False):
        return client.get(url)


@pytest.mark.parametrize("persona", ["coordinator", "trainer"])
def test_staff_idle_for_more_than_30_minutes_are_asked_to_sign_in_again(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("bookings:my_training")
    assert _visit(client, 0, url).status_code == 200
    response = _visit(client, 31, url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    page = _visit(client, 31.1, response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity" in page
    # The session is over: the page sends them to sign in again.
    assert _visit(client, 31.2, url)["Location"].startswith(reverse("accounts:login"))


def test_staff_who_keep_working_stay_signed_in(client, coordinator):
    client.force_login(coordinator)
    url = reverse("control:runs")
    for minutes in (0, 20, 45, 70, 95):  # never more than 25 minutes apart
        assert _visit(client, minutes, url).status_code == 200


def test_participants_are_not_timed_out(client, participant):
    client.force_login(participant)
    url = reverse("bookings:my_training")
    assert _visit(client, 0, url).status_code == 200
    assert _visit(client, 240, url).status_code == 200


@override_settings(STAFF_IDLE_MINUTES=5)
def test_the_idle_time_is_configurable(client, coordinator):
    client.force_login(coordinator)
    url = reverse("control:runs")
    assert _visit(client, 0, url).status_code == 200
    assert _visit(client, 4, url).status_code == 200
    assert _visit(client, 10, url).status_code == 302
