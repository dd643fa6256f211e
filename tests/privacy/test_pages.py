"""The privacy pages as people use them: errors beside their fields with a 400, what blocks an
erasure said plainly, the participant told of a refusal, the list's query count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.attendance.conftest import booked
from tests.factories import CourseRunFactory, PriceOptionFactory, UserFactory, VatRateFactory
from tests.html import text_of
from trainingdesk.privacy import services
from trainingdesk.privacy.models import ErasureRequest, ErasureStatus


def test_asking_without_ticking_the_box_is_refused_with_the_message_beside_it(client, participant):
    client.force_login(participant)
    response = client.post(reverse("privacy:ask_erasure"), {})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in page and 'href="#id_understood"' in page
    assert "Tick the box to say you understand what erasure means." in text_of(page)
    assert not ErasureRequest.objects.exists()


def test_asking_twice_keeps_one_request(client, participant):
    client.force_login(participant)
    for _ in range(2):
        client.post(reverse("privacy:ask_erasure"), {"understood": "on"})
    assert ErasureRequest.objects.count() == 1
    page = text_of(client.get(reverse("privacy:my_data")).content.decode())
    assert "You asked us to erase your data on" in page


def test_refusing_without_a_reason_is_a_400_and_changes_nothing(client, coordinator, participant):
    waiting = services.request_erasure(person=participant)
    client.force_login(coordinator)
    response = client.post(reverse("privacy:refuse_erasure", args=[waiting.pk]), {"reason": " "})
    assert response.status_code == 400
    assert 'href="#id_reason"' in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == ErasureStatus.REQUESTED


def test_the_participant_reads_why_their_request_was_refused(client, coordinator, participant):
    waiting = services.request_erasure(person=participant)
    services.refuse_erasure(erasure=waiting, reason="A complaint about you is open.", actor=coordinator)
    client.force_login(participant)
    page = text_of(client.get(reverse("privacy:my_data")).content.decode())
    assert "was refused: A complaint about you is open." in page


@pytest.fixture
def booked_ahead(participant):
    VatRateFactory()
    run = CourseRunFactory(title="Spring 2027", days=[dt.date(2027, 3, 1)],
                           booking_closes_at=dt.datetime(2027, 2, 1, tzinfo=dt.UTC))
    return booked(run, PriceOptionFactory(run=run, net_amount=Decimal("100")), participant)


def test_a_booking_on_a_run_to_come_stops_the_erasure_and_the_page_says_so(
        client, coordinator, participant, booked_ahead):
    waiting = services.request_erasure(person=participant)
    client.force_login(coordinator)
    page = text_of(client.get(reverse("privacy:erasure_request", args=[waiting.pk])).content.decode())
    assert f"Booking {booked_ahead.reference}" in page and "cancel it first" in page
    response = client.post(reverse("privacy:confirm_erasure", args=[waiting.pk]), {"confirm": "on"})
    assert response.status_code == 400
    assert "cancel it first" in text_of(response.content.decode())
    participant.refresh_from_db()
    waiting.refresh_from_db()
    assert participant.is_active and waiting.status == ErasureStatus.REQUESTED


def test_confirming_without_ticking_the_box_is_a_400(client, coordinator, participant):
    waiting = services.request_erasure(person=participant)
    client.force_login(coordinator)
    response = client.post(reverse("privacy:confirm_erasure", args=[waiting.pk]), {})
    assert response.status_code == 400 and 'href="#id_confirm"' in response.content.decode()
    participant.refresh_from_db()
    assert participant.is_active


def test_the_requests_list_takes_the_same_queries_for_one_request_or_many(client, coordinator):
    client.force_login(coordinator)
    services.request_erasure(person=UserFactory())
    client.get(reverse("privacy:erasure_requests"))  # the session and the roles, read once
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("privacy:erasure_requests"))
    for _ in range(4):
        services.request_erasure(person=UserFactory())
    refused = services.request_erasure(person=UserFactory())
    services.refuse_erasure(erasure=refused, reason="Not yet.", actor=coordinator)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("privacy:erasure_requests"))
    assert response.status_code == 200
    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_profile_page_links_to_your_data(client, participant):
    client.force_login(participant)
    assert reverse("privacy:my_data") in client.get(reverse("accounts:profile")).content.decode()


def test_the_back_office_links_to_the_erasure_requests(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("control:runs")).content.decode()
    assert reverse("privacy:erasure_requests") in page
