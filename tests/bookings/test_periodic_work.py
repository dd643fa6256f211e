"""`manage.py run_periodic_work`, run every minute: each job once, idempotent, and safe when two
copies run at once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from tests.bookings.conftest import NOW, self_paying
from tests.factories import UserFactory
from trainingdesk.bookings.models import Booking, BookingStatus
from trainingdesk.bookings.services import book, cancel_booking
from trainingdesk.catalogue.models import CourseRun, PriceOption
from trainingdesk.lib import periodic
from trainingdesk.notifications.models import Email


def _an_expired_offer(run: CourseRun, option: PriceOption) -> tuple[Booking, Booking]:
    """A full run whose freed place was offered to the first in line; returns that offer and
    the next in line."""
    first, second, waiting, next_in_line = UserFactory.create_batch(4)
    holder = book(participant=first, run_id=run.pk, option_id=option.pk, payer=self_paying(), now=NOW)
    for person in (second, waiting, next_in_line):
        book(participant=person, run_id=run.pk, option_id=option.pk, payer=self_paying(), now=NOW)
    cancel_booking(booking=holder, actor=first, now=NOW)
    offered = run.bookings.get(participant=waiting)
    assert offered.status == BookingStatus.OFFERED
    return offered, run.bookings.get(participant=next_in_line)


def test_it_passes_an_expired_offer_to_the_next_in_line(run, without_supervision, capsys):
    offered, next_in_line = _an_expired_offer(run, without_supervision)
    with time_machine.travel(offered.offer_expires_at + dt.timedelta(minutes=1)):
        call_command("run_periodic_work")
    offered.refresh_from_db()
    next_in_line.refresh_from_db()
    assert (offered.status, next_in_line.status) == (BookingStatus.LEFT_WAITLIST, BookingStatus.OFFERED)
    assert "bookings.expire_waitlist_offers: 1" in capsys.readouterr().out


def test_running_it_again_does_nothing_more(run, without_supervision, capsys):
    offered, _ = _an_expired_offer(run, without_supervision)
    with time_machine.travel(offered.offer_expires_at + dt.timedelta(minutes=1)):
        call_command("run_periodic_work")
        sent = len(mail.outbox)
        call_command("run_periodic_work")
    assert len(mail.outbox) == sent
    assert capsys.readouterr().out.count("bookings.expire_waitlist_offers: 0") == 1


def test_a_failing_job_does_not_stop_the_others_and_the_command_says_so(monkeypatch, db):
    ran: list[str] = []
    monkeypatch.setattr(periodic, "JOBS", {})
    periodic.register("a.broken", lambda now: 1 // 0)
    periodic.register("b.fine", lambda now: ran.append("b") or 1)
    with pytest.raises(CommandError, match="Periodic work failed: a.broken"):
        call_command("run_periodic_work")
    assert ran == ["b"]


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_copies_at_once_pass_each_offer_on_once_and_email_once(run, without_supervision):
    offered, next_in_line = _an_expired_offer(run, without_supervision)
    emails_before = Email.objects.count()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def copy() -> None:
        try:
            barrier.wait()
            call_command("run_periodic_work")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()  # this thread's own; CONN_MAX_AGE would keep it open

    with time_machine.travel(offered.offer_expires_at + dt.timedelta(minutes=1)):
        threads = [threading.Thread(target=copy) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    next_in_line.refresh_from_db()
    assert next_in_line.status == BookingStatus.OFFERED
    new = list(Email.objects.order_by("pk")[emails_before:].values_list("to", "subject"))
    # One "offer expired" to the first in line, one offer to the next: each once.
    assert sorted(subject.split(":")[0] for _to, subject in new) == sorted(
        {subject.split(":")[0] for _to, subject in new})
    assert len(new) == 2
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == len(mail.outbox)
