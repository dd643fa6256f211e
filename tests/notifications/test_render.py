"""An email is written out by its task, after the change that queued it has committed: its
context waits as JSON, rows by reference; the words are fixed on the first try."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings

from tests.notifications.mailserver import DOWN
from trainingdesk.accounts.models import User
from trainingdesk.notifications.models import Email
from trainingdesk.notifications.render import freeze, thaw
from trainingdesk.notifications.services import send_email
from trainingdesk.notifications.tasks import deliver_email


def test_a_context_survives_the_trip_through_json(participant):
    when = dt.datetime(2027, 3, 1, 9, 30, tzinfo=dt.UTC)
    context = {"participant": participant, "expires_at": when, "day": dt.date(2027, 6, 1),
               "amount": Decimal("792.00"), "notes": [participant, None], "was_waiting": True,
               "reason": "The trainer is ill", "nested": {"n": 3}}
    thawed = thaw(freeze(context))
    assert thawed == context
    assert isinstance(thawed["participant"], User) and thawed["participant"].pk == participant.pk


def test_a_context_refuses_what_it_cannot_keep():
    with pytest.raises(TypeError, match="cannot hold object"):
        freeze({"thing": object()})


def test_a_template_that_does_not_exist_is_refused_when_queued(db):
    from django.template import TemplateDoesNotExist

    with pytest.raises(TemplateDoesNotExist):
        send_email(to=["a@example.org"], template="bookings/email/no-such.txt", context={})


def test_the_email_is_not_written_out_in_the_transaction_that_queues_it(participant):
    with transaction.atomic():
        email = send_email(to=[participant.email], template="accounts/email/password_reset.txt",
                           context={"user": participant, "uid": "u", "token": "t"})
    email.refresh_from_db()
    assert (email.rendered, email.subject, email.body) == (False, "", "")
    assert email.context["user"] == {"$row": "accounts.user", "pk": participant.pk}
    deliver_email.call(email.pk)
    email.refresh_from_db()
    assert email.rendered and email.subject == "Reset your Trainingdesk password"
    assert "Hello Pat Participant," in email.body


def test_every_try_sends_the_words_of_the_first(participant):
    with transaction.atomic():
        email = send_email(to=[participant.email], template="accounts/email/password_reset.txt",
                           context={"user": participant, "uid": "u", "token": "t"})
    with override_settings(EMAIL_BACKEND=DOWN):
        deliver_email.call(email.pk)
    User.objects.filter(pk=participant.pk).update(full_name="Patricia Participant")
    Email.objects.filter(pk=email.pk).update(next_attempt_at=email.created_at)
    deliver_email.call(email.pk)
    (message,) = mail.outbox
    assert "Hello Pat Participant," in message.body
