"""Two calls at once (the coursework pass's handler and the periodic job, or two workers) issue
one certificate: real threads, each with its own connection, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.bookings.test_concurrency import race
from tests.certificates.conftest import ISSUED_AT, qualify
from trainingdesk.certificates import services
from trainingdesk.certificates.models import Certificate
from trainingdesk.invoicing.models import NumberSeries

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True),
              pytest.mark.xdist_group("concurrency")]


@pytest.fixture(autouse=True)
def _number_series(transactional_db: None) -> None:
    # The data migration's rows are flushed by earlier transactional tests; put them back.
    NumberSeries.objects.get_or_create(code="INV", defaults={"prefix": "INV-"})
    NumberSeries.objects.get_or_create(code="CN", defaults={"prefix": "CN-"})


def test_ten_calls_at_once_issue_one_certificate(participant, trainer, foundation, programme,
                                                 advanced_run):
    qualify(participant, trainer=trainer, foundation=foundation, advanced_run=advanced_run)

    def issue():
        return services.issue_if_due(participant=participant, programme=programme, now=ISSUED_AT)

    results = race([issue] * 10)
    issued = [r for r in results if isinstance(r, Certificate)]
    assert len(issued) == 1, results
    assert all(r is None for r in results if not isinstance(r, Certificate)), results
    assert Certificate.objects.count() == 1
