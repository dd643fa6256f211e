"""Sending an email: once, after commit; retried with growing delays while the mail server is
down; failed (never dropped) after the window; and once only when senders race."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from tests.notifications.mailserver import DOWN
from trainingdesk.notifications.models import Email, EmailStatus
from trainingdesk.notifications.services import enqueue_stalled, send_email
from trainingdesk.notifications.tasks import _claim, deliver_email, enqueue_delivery

T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _write(to: str = "pat@example.org") -> Email:
    with transaction.atomic():
        return send_email(to=[to], template="attendance/email/confirmation_issued.txt", context={
            "participant": {"full_name": "Łucja Nguyễn"},
            "confirmation": {"level_name": "Foundation", "accreditation": "NVRA Level 1",
                             "programme_name": "The NVR Certificate Course", "code": "ABCD-EFGH"},
        })


def _fresh(email: Email) -> Email:
    return Email.objects.get(pk=email.pk)


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_a_sent_email_is_marked_sent_and_carries_its_message_id(db, frozen):
    email = _write()
    assert deliver_email.call(email.pk) == "sent"
    (message,) = mail.outbox
    assert message.to == ["pat@example.org"]
    assert message.extra_headers["Message-ID"] == email.message_id
    email = _fresh(email)
    assert (email.status, email.attempts, email.sent_at) == (EmailStatus.SENT, 1, T0)


def test_a_sent_email_is_not_sent_again_by_a_second_task(db, frozen):
    email = _write()
    deliver_email.call(email.pk)
    assert deliver_email.call(email.pk).startswith("not due")
    assert len(mail.outbox) == 1


def test_while_the_mail_server_is_down_the_email_waits_for_its_next_try(db, frozen):
    email = _write()
    with override_settings(EMAIL_BACKEND=DOWN):
        assert deliver_email.call(email.pk).startswith("will try again")
    email = _fresh(email)
    assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)
    assert email.next_attempt_at == T0 + dt.timedelta(minutes=1)
    assert "SMTPConnectError" in email.last_error and "service not available" in email.last_error
    # Not due yet: another task does nothing.
    assert deliver_email.call(email.pk).startswith("not due")
    assert mail.outbox == []


def test_an_email_queued_while_the_server_is_down_for_an_hour_goes_once_when_it_returns(db, frozen):
    email = _write()
    at = T0
    with override_settings(EMAIL_BACKEND=DOWN):
        while at < T0 + dt.timedelta(hours=1):
            frozen.move_to(at)
            deliver_email.call(email.pk)
            at = _fresh(email).next_attempt_at
    frozen.move_to(at)  # the next try, after the server is back
    assert deliver_email.call(email.pk) == "sent"
    email = _fresh(email)
    assert (email.status, len(mail.outbox)) == (EmailStatus.SENT, 1)
    assert email.attempts == 5  # at 0, 1, 6 and 36 minutes, then at 2 hours 36


def test_after_the_retry_window_the_email_is_marked_failed_not_dropped(db, frozen):
    email = _write()
    with override_settings(EMAIL_BACKEND=DOWN):
        while _fresh(email).status == EmailStatus.QUEUED:
            frozen.move_to(_fresh(email).next_attempt_at)
            deliver_email.call(email.pk)
    email = _fresh(email)
    assert email.status == EmailStatus.FAILED
    assert email.failed_at - T0 >= dt.timedelta(days=1)
    assert email.attempts == 11  # 0, 1, 6, 36 min, 2h36, then every 4 hours to 26h36
    assert Email.objects.needing_attention().get() == email


def test_a_retry_is_put_on_the_queue_for_its_time(db, frozen):
    email = _write()
    with override_settings(TASKS=DATABASE_TASKS), override_settings(EMAIL_BACKEND=DOWN):
        deliver_email.call(email.pk)
        task = DBTaskResult.objects.get()
    assert task.run_after == T0 + dt.timedelta(minutes=1)
    assert task.args_kwargs == {"args": [email.pk], "kwargs": {}}


def test_an_email_claimed_by_one_worker_is_not_sent_by_another(db, frozen):
    email = _write()
    assert _claim(email.pk, T0) is not None  # a worker took it and is talking to the server
    assert deliver_email.call(email.pk).startswith("not due")
    assert mail.outbox == []


def test_an_email_whose_worker_was_killed_is_sent_once_after_its_claim_lapses(db, frozen):
    email = _write()
    _claim(email.pk, T0)  # ... and then the worker was killed
    assert enqueue_stalled(now=T0 + dt.timedelta(seconds=30)) == 0  # still claimed
    frozen.move_to(T0 + dt.timedelta(minutes=3))
    with override_settings(TASKS=DATABASE_TASKS):
        assert enqueue_stalled(now=T0 + dt.timedelta(minutes=3)) == 1
        assert enqueue_stalled(now=T0 + dt.timedelta(minutes=3)) == 0  # once, not every minute
        task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [email.pk]
    assert deliver_email.call(email.pk) == "sent"
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [email.message_id]


def test_an_email_whose_task_was_never_enqueued_is_picked_up(db, frozen):
    email = Email.objects.create(to=["a@example.org"], subject="S", body="B", message_id="<x@y>")
    frozen.move_to(T0 + dt.timedelta(minutes=5))
    with override_settings(TASKS=DATABASE_TASKS):
        assert enqueue_stalled(now=T0 + dt.timedelta(minutes=5)) == 1
    assert _fresh(email).enqueued_at == T0 + dt.timedelta(minutes=5)


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_for_a_transaction_that_rolls_back():
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        send_email(to=["a@example.org"], template="accounts/email/password_reset.txt",
                   context={"user": None, "uid": "u", "token": "t"})
        raise Rollback
    assert not Email.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_an_email_is_sent_by_a_task_once_its_transaction_commits():
    with transaction.atomic():
        send_email(to=["a@example.org"], template="accounts/email/password_reset.txt",
                   context={"user": None, "uid": "u", "token": "t"})
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    assert Email.objects.get().status == EmailStatus.SENT


@pytest.mark.concurrency
@pytest.mark.xdist_group("concurrency")
@pytest.mark.django_db(transaction=True)
def test_eight_workers_racing_for_each_of_ten_emails_send_each_once():
    import threading

    from django.db import connection

    with override_settings(TASKS=DATABASE_TASKS):  # queued only: the racing workers send them
        emails = [_write(f"person{n}@example.org") for n in range(10)]
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            for email in emails:
                deliver_email.call(email.pk)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()  # this thread's own; CONN_MAX_AGE would keep it open

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(e.message_id for e in emails)
    assert set(Email.objects.values_list("status", flat=True)) == {EmailStatus.SENT}


def test_an_email_whose_process_died_before_enqueuing_is_picked_up_by_the_sweep(
    db, frozen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # committed, then the process died
        email = _write()
    assert enqueue_stalled(now=T0 + dt.timedelta(seconds=60)) == 0  # its task may still come
    with override_settings(TASKS=DATABASE_TASKS):
        assert enqueue_stalled(now=T0 + dt.timedelta(minutes=3)) == 1
    assert DBTaskResult.objects.get().args_kwargs["args"] == [email.pk]


def test_the_queue_forgets_tasks_a_week_after_they_finished_but_keeps_the_emails(db, frozen):
    from trainingdesk.notifications.services import forget_finished_tasks

    emails = [_write(f"p{n}@example.org") for n in range(3)]
    with override_settings(TASKS=DATABASE_TASKS):
        for email in emails:
            enqueue_delivery(email.pk)
    DBTaskResult.objects.filter(args_kwargs__args=[emails[0].pk]).update(status="SUCCESSFUL", finished_at=T0)
    DBTaskResult.objects.filter(args_kwargs__args=[emails[1].pk]).update(
        status="FAILED", finished_at=T0 + dt.timedelta(days=6))
    assert forget_finished_tasks(now=T0 + dt.timedelta(days=7, seconds=1)) == 1
    assert DBTaskResult.objects.count() == 2  # the newer failure, and the one still waiting
    assert Email.objects.count() == 3


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_a_worker_that_finds_the_row_being_written_waits_and_sends_it():
    """A task may be taken the moment it is queued, while the row is still locked for a moment;
    the worker waits for it instead of leaving the email to the periodic sweep."""
    import threading

    from django.db import connection

    with override_settings(TASKS=DATABASE_TASKS):  # queued only
        email = _write()
    locked, results = threading.Event(), []

    def writer() -> None:
        try:
            with transaction.atomic():
                Email.objects.select_for_update().get(pk=email.pk)
                locked.set()
                import time

                time.sleep(0.3)
        finally:
            connection.close()  # this thread's own; CONN_MAX_AGE would keep it open

    def worker() -> None:
        try:
            locked.wait()
            results.append(deliver_email.call(email.pk))
        finally:
            connection.close()  # this thread's own; CONN_MAX_AGE would keep it open

    threads = [threading.Thread(target=writer), threading.Thread(target=worker)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["sent"]
    assert len(mail.outbox) == 1
