"""The participant's pathway page: each step as it stands, with its next step."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.coursework import conftest as coursework
from tests.coursework.conftest import WORKING, complete, completed_foundation
from trainingdesk.coursework import services


@pytest.fixture
def portfolio(participant, trainer, foundation, coursework_level, advanced_run):
    """Both levels attended (as the coursework's tests make them), and the portfolio open."""
    completed_foundation(foundation, participant, trainer)
    coursework.completed_advanced(advanced_run, participant, trainer)
    return services.open_portfolio(participant=participant, level=coursework_level, now=WORKING)


@pytest.fixture(autouse=True)
def _while_working():
    with time_machine.travel(WORKING, tick=False):
        yield


def test_it_asks_a_newcomer_to_book(client, participant):
    client.force_login(participant)
    page = client.get(reverse("certificates:pathway")).content.decode()
    assert "Your pathway starts when you book a level." in page


def test_after_foundation_it_says_to_apply_for_advanced(client, participant, trainer, foundation,
                                                         coursework_level):
    completed_foundation(foundation, participant, trainer)
    coursework_level.programme.certificate_supervision_hours = 12
    coursework_level.programme.save(update_fields=["certificate_supervision_hours"])
    client.force_login(participant)
    page = client.get(reverse("certificates:pathway")).content.decode()
    assert "Attendance Confirmation: completed on Thursday 15 September 2022." in page
    assert "Apply for the level; once approved, book a run." in page
    assert reverse("admissions:apply", args=[coursework_level.pk]) in page
    assert "0 of 12 hours of group supervision so far." in page
    assert "It opens when you hold the Attendance Confirmations." in page
    assert "The coursework, passed." in page  # what remains


def test_with_both_levels_it_shows_the_coursework_deadline_and_what_remains(client, portfolio):
    client.force_login(portfolio.participant)
    page = client.get(reverse("certificates:pathway")).content.decode()
    assert "Due by Saturday 12 April 2025: 222 days left." in page
    assert reverse("coursework:portfolio", args=[portfolio.pk]) in page
    assert "The Foundation Level&#x27;s Attendance Confirmation." not in page
    assert "The coursework, passed." in page


def test_once_submitted_it_says_the_coursework_is_being_marked(client, portfolio):
    complete(portfolio)
    services.submit(portfolio=portfolio, actor=portfolio.participant)
    client.force_login(portfolio.participant)
    assert "Submitted: being marked." in client.get(reverse("certificates:pathway")).content.decode()


def test_it_shows_only_the_person_s_own_pathway(client, portfolio, outsider):
    client.force_login(outsider)
    page = client.get(reverse("certificates:pathway")).content.decode()
    assert reverse("coursework:portfolio", args=[portfolio.pk]) not in page


def test_anonymous_visitors_are_asked_to_sign_in(client):
    response = client.get(reverse("certificates:pathway"))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_its_queries_do_not_grow_with_the_person_s_bookings(client, portfolio, trainer, foundation):
    client.force_login(portfolio.participant)
    with CaptureQueriesContext(connection) as fewer:
        client.get(reverse("certificates:pathway"))
    completed_foundation(foundation, portfolio.participant, trainer)  # a second run, attended again
    with CaptureQueriesContext(connection) as more:
        page = client.get(reverse("certificates:pathway")).content.decode()
    assert len(more) == len(fewer)
    assert page.count("Download the Attendance Confirmation") == 2
