"""The coordinator's webhook pages: adding and changing an endpoint (refused: an address that is
not https, an unknown event type, no event), its page with the secret and the delivery log
(newest first, paginated, in the same queries however many), "send again", "send a test event",
switching it off and on: each change audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.webhooks.conftest import make_endpoint
from trainingdesk.audit.models import AuditEntry
from trainingdesk.lib import events
from trainingdesk.webhooks.models import Delivery, DeliveryStatus, Endpoint

pytestmark = pytest.mark.django_db

CREATE = reverse("webhooks:create")
LIST = reverse("webhooks:endpoints")


def _form(url="https://hr.example.org/hooks", types=("booking.confirmed", "invoice.issued"),
          description="HR system"):
    return {"url": url, "description": description, "event_types": list(types)}


def test_the_coordinator_adds_an_endpoint_and_sees_its_secret(client, coordinator):
    client.force_login(coordinator)
    response = client.post(CREATE, _form(), follow=True)
    endpoint = Endpoint.objects.get()
    assert (endpoint.url, endpoint.event_types, endpoint.created_by) == (
        "https://hr.example.org/hooks", ["booking.confirmed", "invoice.issued"], coordinator)
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    html = response.content.decode()
    assert endpoint.secret in html
    assert "Give its secret to the receiving system" in html
    entry = AuditEntry.objects.get(action="webhooks.endpoint.created")
    assert entry.actor == coordinator
    assert entry.after["url"] == "https://hr.example.org/hooks"
    assert endpoint.secret not in str(entry.after)


@pytest.mark.parametrize(("data", "field", "message"), [
    (_form(url="http://hr.example.org/hooks"), "url",
     "The address must start with https://, so that what is sent is encrypted on its way."),
    (_form(url="http://localhost:8000/hooks"), "url",
     "The address must start with https://, so that what is sent is encrypted on its way."),
    (_form(url="ftp://hr.example.org/hooks"), "url",
     "Enter the endpoint&#x27;s full address, like https://hr.example.org/webhooks/training."),
    (_form(url="hr.example.org"), "url",
     "Enter the endpoint&#x27;s full address, like https://hr.example.org/webhooks/training."),
    (_form(url="https://user:pw@hr.example.org/hooks"), "url",
     "Leave the user name and password out of the address"),
    (_form(url=""), "url", "Enter the endpoint&#x27;s address"),
    (_form(types=("booking.confirmed", "booking.exploded")), "event_types",
     "There is no event called booking.exploded."),
    (_form(types=()), "event_types", "Choose at least one event to send."),
])
def test_bad_input_is_refused_beside_its_field_and_saves_nothing(client, coordinator, data, field, message):
    client.force_login(coordinator)
    response = client.post(CREATE, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert f'href="#id_{field}' in html  # the summary links to the field
    assert not Endpoint.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="webhooks.").exists()


def test_http_to_this_machine_is_allowed_while_developing(client, coordinator):
    client.force_login(coordinator)
    with override_settings(DEBUG=True):
        client.post(CREATE, _form(url="http://127.0.0.1:8000/hooks"))
    assert Endpoint.objects.get().url == "http://127.0.0.1:8000/hooks"


def test_the_coordinator_changes_an_endpoint(client, coordinator, endpoint):
    client.force_login(coordinator)
    page = client.get(reverse("webhooks:edit", args=[endpoint.pk])).content.decode()
    assert endpoint.url in page
    client.post(reverse("webhooks:edit", args=[endpoint.pk]),
                _form(url="https://crm.example.org/in", types=["certificate.issued"], description="CRM"))
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.event_types, endpoint.description) == (
        "https://crm.example.org/in", ["certificate.issued"], "CRM")
    entry = AuditEntry.objects.get(action="webhooks.endpoint.changed")
    assert (entry.before["description"], entry.after["description"]) == ("HR system", "CRM")


def test_a_change_with_bad_input_changes_nothing(client, coordinator, endpoint):
    client.force_login(coordinator)
    before = Endpoint.objects.values().get(pk=endpoint.pk)
    response = client.post(reverse("webhooks:edit", args=[endpoint.pk]),
                           _form(url="http://crm.example.org/in", types=["nonsense"]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is no event called nonsense." in html
    assert "The address must start with https://" in html  # every mistake at once
    assert Endpoint.objects.values().get(pk=endpoint.pk) == before


def test_the_list_shows_each_endpoint_with_its_state(client, coordinator, receiver):
    client.force_login(coordinator)
    on = make_endpoint(coordinator, receiver, [events.INVOICE_ISSUED], description="Accounts")
    off = make_endpoint(coordinator, receiver, [events.BOOKING_CONFIRMED], description="Old LMS")
    off.active, off.disabled_at = False, timezone.now()
    off.save()
    Delivery.objects.create(endpoint=on, event_type="invoice.issued", payload={},
                            status=DeliveryStatus.GAVE_UP)
    html = client.get(LIST).content.decode()
    assert "Accounts" in html and "Old LMS" in html
    assert "Switched off" in html and "1 given up" in html
    assert html.index("Accounts") < html.index("Old LMS")  # switched on first


def _deliveries(endpoint, n, start=0):
    now = timezone.now()
    Delivery.objects.bulk_create(
        Delivery(endpoint=endpoint, event_type="booking.confirmed", payload={}, attempts=2,
                 status=DeliveryStatus.FAILED, last_response_status=500, last_error="HTTP 500",
                 last_attempt_at=now, last_response_ms=12,
                 created_at=now + dt.timedelta(seconds=i))
        for i in range(start, start + n))


def test_the_delivery_log_is_newest_first_with_status_tries_and_last_answer(client, coordinator, endpoint):
    client.force_login(coordinator)
    now = timezone.now()
    old = Delivery.objects.create(endpoint=endpoint, event_type="invoice.issued", payload={},
                                  created_at=now - dt.timedelta(hours=1), status=DeliveryStatus.SUCCEEDED,
                                  succeeded_at=now, attempts=1, last_response_status=204,
                                  last_attempt_at=now, last_response_ms=31)
    new = Delivery.objects.create(endpoint=endpoint, event_type="booking.cancelled", payload={},
                                  status=DeliveryStatus.GAVE_UP, attempts=4, last_response_status=500,
                                  last_error="HTTP 500", last_attempt_at=now, last_response_ms=9)
    html = client.get(reverse("webhooks:endpoint", args=[endpoint.pk])).content.decode()
    assert html.index(str(new.event_id)) < html.index(str(old.event_id))
    assert "Given up" in html and "4 tries" in html and "HTTP 500" in html
    assert "Delivered" in html and "HTTP 204" in html and "31 ms" in html


def test_the_log_is_paginated_25_a_page(client, coordinator, endpoint):
    client.force_login(coordinator)
    _deliveries(endpoint, 30)
    first = client.get(reverse("webhooks:endpoint", args=[endpoint.pk])).content.decode()
    second = client.get(reverse("webhooks:endpoint", args=[endpoint.pk]) + "?page=2").content.decode()
    assert first.count("Send again<span") == 25
    assert second.count("Send again<span") == 5


def test_the_log_and_the_list_make_the_same_queries_for_1_or_25_deliveries(client, coordinator, endpoint):
    client.force_login(coordinator)
    page = reverse("webhooks:endpoint", args=[endpoint.pk])
    _deliveries(endpoint, 1)
    client.get(page)
    with CaptureQueriesContext(connection) as one:
        client.get(page)
    with CaptureQueriesContext(connection) as one_list:
        client.get(LIST)
    _deliveries(endpoint, 24, start=1)
    Endpoint.objects.create(url="https://b.example.org/", event_types=["invoice.issued"])
    with CaptureQueriesContext(connection) as many:
        client.get(page)
    with CaptureQueriesContext(connection) as many_list:
        client.get(LIST)
    assert len(one) == len(many)
    assert len(one_list) == len(many_list)


def test_send_again_sends_a_given_up_delivery_now_and_audits_it(
    client, coordinator, endpoint, receiver, django_capture_on_commit_callbacks,
):
    client.force_login(coordinator)
    delivery = Delivery.objects.create(
        endpoint=endpoint, event_type="webhook.test", payload={"type": "webhook.test", "data": {}},
        status=DeliveryStatus.GAVE_UP, attempts=4, last_error="HTTP 500")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("webhooks:send_again", args=[endpoint.pk, delivery.pk]),
                               follow=True)
    assert "is being sent again now" in response.content.decode()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 1)
    assert [r.headers["webhook-id"] for r in receiver.received] == [str(delivery.event_id)]
    assert receiver.received[0].verified
    entry = AuditEntry.objects.get(action="webhooks.delivery.sent_again")
    assert (entry.actor, entry.before, entry.after) == (
        coordinator, {"status": "gave_up", "attempts": 4}, {"status": "pending"})


def test_send_again_of_another_endpoints_delivery_is_refused(client, coordinator, endpoint, receiver):
    client.force_login(coordinator)
    other = make_endpoint(coordinator, receiver, description="Other")
    delivery = Delivery.objects.create(endpoint=other, event_type="webhook.test", payload={},
                                       status=DeliveryStatus.GAVE_UP)
    response = client.post(reverse("webhooks:send_again", args=[endpoint.pk, delivery.pk]), follow=True)
    assert "That delivery no longer exists." in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.GAVE_UP
    assert receiver.received == []


def test_send_again_while_it_is_being_sent_is_refused(client, coordinator, endpoint, receiver):
    client.force_login(coordinator)
    delivery = Delivery.objects.create(endpoint=endpoint, event_type="webhook.test", payload={},
                                       claimed_until=timezone.now() + dt.timedelta(seconds=30))
    response = client.post(reverse("webhooks:send_again", args=[endpoint.pk, delivery.pk]), follow=True)
    assert "That delivery is being sent right now." in response.content.decode()
    assert not AuditEntry.objects.filter(action="webhooks.delivery.sent_again").exists()


def test_the_test_event_button_sends_a_signed_test_event(client, coordinator, endpoint, receiver,
                                                         django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("webhooks:send_test", args=[endpoint.pk]), follow=True)
    assert "A test event is sent" in response.content.decode()
    (received,) = receiver.received
    assert received.verified and received.type == "webhook.test"
    assert Delivery.objects.get().status == DeliveryStatus.SUCCEEDED
    assert AuditEntry.objects.filter(action="webhooks.endpoint.test_sent", actor=coordinator).exists()


def test_switching_off_and_on_is_audited_and_a_switched_off_endpoint_takes_no_test(
    client, coordinator, endpoint, receiver,
):
    client.force_login(coordinator)
    client.post(reverse("webhooks:disable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_reason == "Switched off by Cora Coordinator"
    response = client.post(reverse("webhooks:send_test", args=[endpoint.pk]), follow=True)
    assert "The endpoint is switched off: switch it on first." in response.content.decode()
    assert receiver.received == []
    client.post(reverse("webhooks:enable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.active
    switches = ["webhooks.endpoint.disabled", "webhooks.endpoint.enabled"]
    assert list(AuditEntry.objects.filter(action__in=switches).order_by("pk")
                .values_list("action", flat=True)) == switches


def test_switching_off_twice_says_so(client, coordinator, endpoint):
    client.force_login(coordinator)
    client.post(reverse("webhooks:disable", args=[endpoint.pk]))
    response = client.post(reverse("webhooks:disable", args=[endpoint.pk]), follow=True)
    assert "That endpoint is already switched off." in response.content.decode()
    assert AuditEntry.objects.filter(action="webhooks.endpoint.disabled").count() == 1


def test_a_deliverys_page_shows_the_body_and_every_try(
    client, coordinator, endpoint, receiver, django_capture_on_commit_callbacks,
):
    from trainingdesk.webhooks import services

    receiver.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.send_test_event(endpoint=endpoint, actor=coordinator)
    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        services.send_again(delivery_id=delivery.pk, endpoint=endpoint, actor=coordinator)
    client.force_login(coordinator)
    page = reverse("webhooks:delivery", args=[endpoint.pk, delivery.pk])
    with CaptureQueriesContext(connection) as queries:
        html = client.get(page).content.decode()
    assert str(delivery.event_id) in html
    assert "&quot;type&quot;: &quot;webhook.test&quot;" in html
    assert html.index("HTTP 200") < html.index("HTTP 500")  # newest first
    assert "Something went wrong" in html  # what the receiver said
    log = client.get(reverse("webhooks:endpoint", args=[endpoint.pk])).content.decode()
    assert f'href="{page}"' in log
    other = make_endpoint(coordinator, receiver, description="Other")
    assert client.get(reverse("webhooks:delivery", args=[other.pk, delivery.pk])).status_code == 404
    assert len(queries) < 10
