"""/control/emails/: the coordinator sees the emails that could not be sent, with the mail
server's answer, and sends them again. Nobody else may see or do it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.notifications.mailserver import DOWN
from trainingdesk.audit.models import AuditEntry
from trainingdesk.notifications.models import Email, EmailStatus
from trainingdesk.notifications.services import send_email
from trainingdesk.notifications.tasks import deliver_email

PAGE = reverse("notifications:failed_emails")


def _email(subject: str, to: str = "pat@example.org", *, status: str = EmailStatus.QUEUED,
           attempts: int = 0, error: str = "") -> Email:
    now = timezone.now()
    return Email.objects.create(
        to=[to], subject=subject, body="Hello", template="bookings/email/confirmed.txt", rendered=True,
        message_id=f"<{subject.replace(' ', '-')}@test>",
        status=status, attempts=attempts, last_error=error,
        failed_at=now if status == EmailStatus.FAILED else None,
        sent_at=now if status == EmailStatus.SENT else None,
        next_attempt_at=now + dt.timedelta(hours=2),
    )


@pytest.fixture
def emails(db) -> dict[str, Email]:
    return {
        "failed": _email("Your booking: Foundation", status=EmailStatus.FAILED, attempts=11,
                         error="SMTPConnectError: (421, 'service not available')"),
        "retrying": _email("A place is free", "sam@example.org", attempts=2,
                           error="SMTPServerDisconnected: Connection unexpectedly closed"),
        "sent": _email("Invoice INV-000001", status=EmailStatus.SENT, attempts=1),
        "waiting": _email("Booking cancelled"),
    }


def test_the_coordinator_sees_failed_and_retrying_emails_with_their_errors(client, coordinator, emails):
    client.force_login(coordinator)
    html = client.get(PAGE).content.decode()
    assert "Your booking: Foundation" in html and "A place is free" in html
    assert "service not available" in html and "Connection unexpectedly closed" in html
    assert "after 11 tries" in html and "2 tries so far" in html
    assert "Invoice INV-000001" not in html  # sent
    assert "Booking cancelled" not in html  # not tried yet
    assert html.index("A place is free") < html.index("Your booking: Foundation")  # newest first


def test_with_nothing_failed_the_page_says_so(client, coordinator, db):
    client.force_login(coordinator)
    assert "No emails have failed or are waiting to be tried again." in client.get(PAGE).content.decode()


def test_send_again_sends_a_failed_email_now_and_audits_it(client, coordinator, emails,
                                                          django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    failed = emails["failed"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:send_again", args=[failed.pk]), follow=True)
    assert "will be sent again now" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == EmailStatus.SENT
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [failed.message_id]
    entry = AuditEntry.objects.get(action="notifications.email.sent_again")
    assert (entry.actor, entry.before, entry.after) == (
        coordinator, {"status": "failed", "attempts": 11}, {"status": "queued"})


def test_an_email_sent_again_while_the_server_is_still_down_gets_a_new_retry_window(
    client, coordinator, emails, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    failed = emails["failed"]
    with override_settings(EMAIL_BACKEND=DOWN), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notifications:send_again", args=[failed.pk]))
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (EmailStatus.QUEUED, 1)
    assert failed.next_attempt_at - timezone.now() < dt.timedelta(minutes=2)


def test_an_email_already_sent_is_not_sent_again(client, coordinator, emails):
    client.force_login(coordinator)
    sent = emails["sent"]
    response = client.post(reverse("notifications:send_again", args=[sent.pk]), follow=True)
    assert "That email has been sent already." in response.content.decode()
    assert Email.objects.get(pk=sent.pk).sent_at == sent.sent_at
    assert mail.outbox == []


def test_a_missing_email_is_a_message_not_an_error(client, coordinator, db):
    client.force_login(coordinator)
    response = client.post(reverse("notifications:send_again", args=[999]), follow=True)
    assert response.status_code == 200
    assert "That email no longer exists." in response.content.decode()


def test_the_list_makes_the_same_queries_for_1_or_60_emails(client, coordinator, db,
                                                            django_assert_max_num_queries):
    client.force_login(coordinator)
    _email("one", status=EmailStatus.FAILED, attempts=3, error="x")
    client.get(PAGE)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(PAGE)
    for n in range(60):
        _email(f"email {n}", status=EmailStatus.FAILED, attempts=3, error="x")
    with CaptureQueriesContext(connection) as many:
        html = client.get(PAGE).content.decode()
    assert len(many) == len(one)
    assert "Page 1 of 2" in html


# --- who may -------------------------------------------------------------------------------

def test_an_anonymous_visitor_is_sent_to_sign_in(client, emails):
    for url, method in ((PAGE, client.get), (reverse("notifications:send_again", args=[emails["failed"].pk]),
                                             client.post)):
        response = method(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert Email.objects.get(pk=emails["failed"].pk).status == EmailStatus.FAILED


@pytest.mark.parametrize("persona", ["participant", "outsider", "trainer"])
def test_anyone_but_the_coordinator_is_refused_and_nothing_changes(client, emails, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(PAGE).status_code == 403
    failed = emails["failed"]
    assert client.post(reverse("notifications:send_again", args=[failed.pk])).status_code == 403
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.queued_at) == (
        EmailStatus.FAILED, 11, Email.objects.get(pk=failed.pk).queued_at)
    assert not AuditEntry.objects.filter(action="notifications.email.sent_again").exists()
    assert mail.outbox == []


def test_send_again_is_a_post_only(client, coordinator, emails):
    client.force_login(coordinator)
    assert client.get(reverse("notifications:send_again", args=[emails["failed"].pk])).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_send_again_and_a_worker_racing_send_the_email_once(coordinator):
    with transaction.atomic():
        email = send_email(to=["a@example.org"], template="accounts/email/password_reset.txt",
                           context={"user": None, "uid": "u", "token": "t"})
    mail.outbox.clear()
    Email.objects.filter(pk=email.pk).update(status=EmailStatus.FAILED, failed_at=timezone.now(),
                                             sent_at=None)
    from trainingdesk.notifications.services import send_again

    send_again(email_id=email.pk, actor=coordinator)  # its task runs on commit and sends it
    assert deliver_email.call(email.pk).startswith("not due")  # a stray retry finds it sent
    assert len(mail.outbox) == 1
