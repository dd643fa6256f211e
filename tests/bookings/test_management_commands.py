from __future__ import annotations

import datetime as dt

import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from tests.bookings.conftest import NOW, self_paying
from tests.factories import UserFactory
from trainingdesk.bookings.models import BookingStatus, OutgoingEmail
from trainingdesk.bookings.services import book, cancel_booking


@override_settings(OUTBOX_DELIVER_ON_COMMIT=False)
def test_deliver_outbox_sends_what_is_waiting_once(run, without_supervision, capsys):
    person = UserFactory()
    book(participant=person, run_id=run.pk, option_id=without_supervision.pk,
         payer=self_paying(), now=NOW)
    assert mail.outbox == []
    call_command("deliver_outbox")
    call_command("deliver_outbox")
    # The participant's confirmation, and the invoice to the payer (another address).
    assert sorted(m.to[0] for m in mail.outbox) == sorted([person.email, "pat@example.org"])
    assert OutgoingEmail.objects.filter(sent_at__isnull=True).count() == 0
    assert capsys.readouterr().out.splitlines() == ["Sent 2 email(s).", "Sent 0 email(s)."]


def test_expire_waitlist_offers_passes_an_expired_offer_on(run, without_supervision):
    first, second, waiting, next_in_line = UserFactory.create_batch(4)
    holder = book(participant=first, run_id=run.pk, option_id=without_supervision.pk,
                  payer=self_paying(), now=NOW)
    for person in (second, waiting, next_in_line):
        book(participant=person, run_id=run.pk, option_id=without_supervision.pk,
             payer=self_paying(), now=NOW)
    cancel_booking(booking=holder, actor=first, now=NOW)
    offered = run.bookings.get(participant=waiting)
    assert offered.status == BookingStatus.OFFERED
    with time_machine.travel(offered.offer_expires_at + dt.timedelta(minutes=1)):
        call_command("expire_waitlist_offers")
    offered.refresh_from_db()
    assert offered.status == BookingStatus.LEFT_WAITLIST
    assert run.bookings.get(participant=next_in_line).status == BookingStatus.OFFERED
