"""How the outbox sends: plain text as written, each email claimed before it is sent."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core import mail
from django.db import transaction
from django.test import override_settings

from tests.bookings.conftest import NOW, self_paying
from tests.factories import UserFactory
from trainingdesk.bookings.models import OutgoingEmail
from trainingdesk.bookings.outbox import _claim, deliver_outbox, queue_email
from trainingdesk.bookings.services import book


def test_plain_text_emails_are_not_html_escaped(run, without_supervision,
                                                django_capture_on_commit_callbacks):
    run.joining_link = "https://zoom.us/j/123?pwd=abc&uname=x"
    run.save(update_fields=["joining_link"])
    person = UserFactory(full_name="Siobhán O'Brien & Co")
    with django_capture_on_commit_callbacks(execute=True):
        book(participant=person, run_id=run.pk, option_id=without_supervision.pk,
             payer=self_paying(), now=NOW)
    confirmation = next(m for m in mail.outbox if m.to == [person.email])
    assert "Dear Siobhán O'Brien & Co," in confirmation.body
    assert "https://zoom.us/j/123?pwd=abc&uname=x" in confirmation.body
    assert "&amp;" not in confirmation.body and "&#x27;" not in confirmation.body


@override_settings(OUTBOX_DELIVER_ON_COMMIT=False)
def test_an_email_claimed_by_one_sender_is_not_sent_by_another(db):
    with transaction.atomic():
        queue_email(to=["a@example.org"], template="offer_expired",
                    context={"run": {"level": {"name": "Foundation"}, "title": "Summer"},
                             "participant": {"full_name": "A"}})
    claimed = _claim(set())
    assert claimed is not None
    assert deliver_outbox() == 0  # the other sender finds nothing it may take
    assert mail.outbox == []


@override_settings(OUTBOX_DELIVER_ON_COMMIT=False)
def test_a_claim_that_lapses_is_sent_by_the_next_round(db):
    with transaction.atomic():
        queue_email(to=["a@example.org"], template="offer_expired",
                    context={"run": {"level": {"name": "Foundation"}, "title": "Summer"},
                             "participant": {"full_name": "A"}})
    _claim(set())  # a sender that claimed it, then died
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=6)):
        assert deliver_outbox() == 1
    email = OutgoingEmail.objects.get()
    assert email.sent_at is not None and email.claimed_until is None and email.attempts == 1
