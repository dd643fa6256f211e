"""Two workers taking the same delivery at once (a retry's task and the sweep's, or a task
queued twice) send it once: the first claims the row under its lock, the second finds it
claimed. Real threads, each with its own connection, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.bookings.test_concurrency import race
from tests.webhooks.conftest import make_endpoint
from trainingdesk.webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus
from trainingdesk.webhooks.tasks import deliver_webhook

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True),
              pytest.mark.xdist_group("concurrency")]

NOT_SENT = "not due, already delivered, or being sent by another worker"


def test_two_workers_taking_one_delivery_at_once_send_it_once(coordinator, receiver):
    endpoint = make_endpoint(coordinator, receiver)
    receiver.delay = 0.3  # the first is still sending while the second looks
    delivery = Delivery.objects.create(endpoint=endpoint, event_type="webhook.test",
                                       payload={"type": "webhook.test", "data": {}})

    results = race([lambda: deliver_webhook.call(delivery.pk)] * 2)

    assert sorted(map(str, results)) == sorted(["delivered", NOT_SENT]), results
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 1)
    assert DeliveryAttempt.objects.count() == 1


def test_ten_workers_taking_ten_deliveries_send_each_once(coordinator, receiver):
    endpoint = make_endpoint(coordinator, receiver)
    deliveries = [Delivery.objects.create(endpoint=endpoint, event_type="webhook.test",
                                          payload={"type": "webhook.test", "n": n}) for n in range(5)]
    jobs = [(lambda pk=d.pk: deliver_webhook.call(pk)) for d in deliveries for _ in range(2)]

    results = race(jobs)

    assert results.count("delivered") == 5, results
    assert sorted(r.headers["webhook-id"] for r in receiver.received) == sorted(
        str(d.event_id) for d in deliveries)
