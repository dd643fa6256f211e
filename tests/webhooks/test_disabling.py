"""An endpoint whose deliveries have all failed for WEBHOOK_DISABLE_AFTER_DAYS (3 in these tests)
is switched off by the periodic job, audited, and the coordinator told by email; one success in
between starts the count again."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from trainingdesk.audit.models import AuditEntry
from trainingdesk.lib import periodic
from trainingdesk.webhooks import services
from trainingdesk.webhooks.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db

START = dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)


@pytest.fixture
def failing(endpoint, receiver, coordinator, django_capture_on_commit_callbacks):
    """The receiver answers 500 from START on."""
    receiver.status = 500
    with time_machine.travel(START), django_capture_on_commit_callbacks(execute=True):
        services.send_test_event(endpoint=endpoint, actor=coordinator)
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None
    mail.outbox.clear()
    return endpoint


def _run_job(at: dt.datetime, capture) -> int:
    with time_machine.travel(at), capture(execute=True):
        return services.disable_failing_endpoints(now=timezone.now())


def test_an_endpoint_failing_for_three_days_is_switched_off_and_the_coordinator_told(
    failing, coordinator, django_capture_on_commit_callbacks,
):
    assert _run_job(START + dt.timedelta(days=3, minutes=1), django_capture_on_commit_callbacks) == 1
    failing.refresh_from_db()
    assert not failing.active
    assert failing.disabled_reason == "Switched off automatically: every delivery failed for 3 days."
    entry = AuditEntry.objects.get(action="webhooks.endpoint.disabled")
    assert entry.actor is None
    assert (entry.before["active"], entry.after["active"]) == (True, False)
    assert "whsec_" not in str(entry.before) + str(entry.after)  # the secret is never logged
    (email,) = mail.outbox
    assert email.to == [coordinator.email]
    assert email.subject == "A webhook endpoint was switched off: HR system"
    assert failing.url in email.body and "HTTP 500" in email.body
    assert f"/control/webhooks/{failing.pk}/" in email.body


def test_an_endpoint_failing_for_less_than_three_days_stays_on(failing, django_capture_on_commit_callbacks):
    assert _run_job(START + dt.timedelta(days=2, hours=23), django_capture_on_commit_callbacks) == 0
    failing.refresh_from_db()
    assert failing.active
    assert mail.outbox == []


def test_one_success_starts_the_count_again(failing, receiver, coordinator,
                                            django_capture_on_commit_callbacks):
    receiver.status = 200
    with time_machine.travel(START + dt.timedelta(days=2), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        services.send_test_event(endpoint=failing, actor=coordinator)
    receiver.status = 500
    with time_machine.travel(START + dt.timedelta(days=2, hours=1), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        services.send_test_event(endpoint=failing, actor=coordinator)
    assert _run_job(START + dt.timedelta(days=3, minutes=1), django_capture_on_commit_callbacks) == 0
    failing.refresh_from_db()
    assert failing.active
    assert failing.failing_since == START + dt.timedelta(days=2, hours=1)


def test_running_the_job_twice_switches_it_off_and_emails_once(failing, django_capture_on_commit_callbacks):
    later = START + dt.timedelta(days=4)
    assert _run_job(later, django_capture_on_commit_callbacks) == 1
    assert _run_job(later, django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1
    assert AuditEntry.objects.filter(action="webhooks.endpoint.disabled").count() == 1


def test_a_switched_off_endpoint_keeps_its_waiting_deliveries_and_sends_them_when_switched_on(
    failing, receiver, coordinator, django_capture_on_commit_callbacks,
):
    _run_job(START + dt.timedelta(days=4), django_capture_on_commit_callbacks)
    waiting = Delivery.objects.get(endpoint=failing)
    assert waiting.status == DeliveryStatus.FAILED
    assert services.enqueue_due(now=START + dt.timedelta(days=30)) == 0  # not to a switched-off one
    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        services.enable_endpoint(endpoint=failing, actor=coordinator)
    waiting.refresh_from_db()
    assert waiting.status == DeliveryStatus.SUCCEEDED
    failing.refresh_from_db()
    assert (failing.active, failing.failing_since, failing.disabled_at) == (True, None, None)
    assert AuditEntry.objects.filter(action="webhooks.endpoint.enabled", actor=coordinator).exists()


def test_the_jobs_run_with_the_periodic_work():
    assert {"webhooks.enqueue_due_deliveries", "webhooks.disable_failing_endpoints",
            "webhooks.forget_old_deliveries"} <= set(periodic.JOBS)


def test_finished_deliveries_are_forgotten_after_90_days_and_waiting_ones_kept(endpoint):
    now = timezone.now()
    old = now - dt.timedelta(days=91)
    kept = [Delivery.objects.create(endpoint=endpoint, event_type="webhook.test", payload={},
                                    created_at=old, status=DeliveryStatus.FAILED),
            Delivery.objects.create(endpoint=endpoint, event_type="webhook.test", payload={},
                                    created_at=now - dt.timedelta(days=89),
                                    status=DeliveryStatus.SUCCEEDED, succeeded_at=now)]
    for status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.GAVE_UP):
        Delivery.objects.create(endpoint=endpoint, event_type="webhook.test", payload={},
                                created_at=old, status=status,
                                succeeded_at=old if status == DeliveryStatus.SUCCEEDED else None)
    assert services.forget_old_deliveries(now=now) == 2
    assert sorted(Delivery.objects.values_list("pk", flat=True)) == sorted(d.pk for d in kept)
