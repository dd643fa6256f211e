"""Every webhook page is the coordinator's: anyone signed out is sent to sign in, and a
participant, trainer, supervisor, assessor or outsider is refused with 403; after each refused
POST the database is as it was (no endpoint, no change, no delivery, no audit entry), and the
receiver was sent nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from trainingdesk.audit.models import AuditEntry
from trainingdesk.webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus, Endpoint

pytestmark = pytest.mark.django_db

REFUSED = ["participant", "trainer", "supervisor", "assessor", "outsider"]


@pytest.fixture
def delivery(endpoint) -> Delivery:
    return Delivery.objects.create(endpoint=endpoint, event_type="webhook.test", payload={},
                                   status=DeliveryStatus.GAVE_UP, attempts=4)


def _pages(endpoint: Endpoint, delivery: Delivery) -> list[str]:
    return [reverse("webhooks:endpoints"), reverse("webhooks:create"),
            reverse("webhooks:endpoint", args=[endpoint.pk]),
            reverse("webhooks:edit", args=[endpoint.pk]),
            reverse("webhooks:delivery", args=[endpoint.pk, delivery.pk])]


def _posts(endpoint: Endpoint, delivery: Delivery) -> list[tuple[str, dict[str, Any]]]:
    form = {"url": "https://evil.example.org/", "description": "x", "event_types": ["invoice.issued"]}
    return [
        (reverse("webhooks:create"), form),
        (reverse("webhooks:edit", args=[endpoint.pk]), form),
        (reverse("webhooks:disable", args=[endpoint.pk]), {}),
        (reverse("webhooks:enable", args=[endpoint.pk]), {}),
        (reverse("webhooks:send_test", args=[endpoint.pk]), {}),
        (reverse("webhooks:send_again", args=[endpoint.pk, delivery.pk]), {}),
    ]


def _state() -> tuple[Any, ...]:
    return (list(Endpoint.objects.values().order_by("pk")), list(Delivery.objects.values().order_by("pk")),
            DeliveryAttempt.objects.count(), AuditEntry.objects.count())


@pytest.mark.parametrize("persona", REFUSED)
def test_staff_and_participants_are_refused_every_page_and_change_nothing(
    client, request, persona, endpoint, delivery, receiver, django_capture_on_commit_callbacks,
):
    # The personas are tests/conftest.py's; its supervisor is `supervisor_user`.
    client.force_login(request.getfixturevalue({"supervisor": "supervisor_user"}.get(persona, persona)))
    for page in _pages(endpoint, delivery):
        assert client.get(page).status_code == 403, page
    before = _state()
    for path, data in _posts(endpoint, delivery):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(path, data).status_code == 403, path
        assert _state() == before, path
    assert receiver.received == []


def test_anyone_signed_out_is_sent_to_sign_in_and_changes_nothing(
    client, endpoint, delivery, receiver, django_capture_on_commit_callbacks,
):
    login = reverse("accounts:login")
    for page in _pages(endpoint, delivery):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith(login), page
    before = _state()
    for path, data in _posts(endpoint, delivery):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(path, data)
        assert response.status_code == 302 and response["Location"].startswith(login), path
        assert _state() == before, path
    assert receiver.received == []


def test_the_coordinator_may_use_every_page(client, coordinator, endpoint, delivery):
    client.force_login(coordinator)
    for page in _pages(endpoint, delivery):
        assert client.get(page).status_code == 200, page


def test_pages_of_an_endpoint_that_does_not_exist_are_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("webhooks:endpoint", args=[999])).status_code == 404
    assert client.get(reverse("webhooks:edit", args=[999])).status_code == 404
    assert client.post(reverse("webhooks:disable", args=[999])).status_code == 404
    assert client.post(reverse("webhooks:send_again", args=[999, 1])).status_code == 404
    assert client.get(reverse("webhooks:delivery", args=[999, 1])).status_code == 404


def test_the_changes_take_post_only(client, coordinator, endpoint, delivery):
    client.force_login(coordinator)
    for path, _data in _posts(endpoint, delivery)[2:]:
        assert client.get(path).status_code == 405, path
