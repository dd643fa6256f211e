"""Submitting in two tabs at once (or a double click) submits once and charges the fee once: on
PostgreSQL the portfolio's row lock queues the second; on SQLite the IMMEDIATE transaction does."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.bookings.test_concurrency import race
from tests.coursework.conftest import WORKING, complete
from trainingdesk.coursework import services
from trainingdesk.coursework.models import Submission
from trainingdesk.invoicing.models import Invoice

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True),
              pytest.mark.xdist_group("concurrency")]


def test_four_submissions_at_once_make_one_submission_and_one_fee_invoice(portfolio):
    complete(portfolio)
    results = race([(lambda: services.submit(portfolio=portfolio, actor=portfolio.participant, now=WORKING))
                    for _ in range(4)])
    refused = [r for r in results if isinstance(r, ValidationError)]
    others = [r for r in results if isinstance(r, BaseException) and not isinstance(r, ValidationError)]
    assert not others, others[:2]
    assert len(refused) == 3 and all("already been submitted" in " ".join(r.messages) for r in refused)
    assert Submission.objects.count() == 1
    assert Invoice.objects.filter(lines__description__startswith="Evaluation and assessment fee").count() == 1
