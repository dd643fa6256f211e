"""A Foundation (Level 1) done with another provider, accepted as equivalent on an approved
application to Advanced (the brochure: "or equivalent Level 1 training with a different
provider"), counts towards the coursework and the certificate, which names that provider; unless
the programme's configuration says it does not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.certificates.conftest import ISSUED_AT, own_supervisor, passed_portfolio
from tests.coursework.conftest import ADVANCED_DONE, completed_advanced
from tests.html import text_of
from tests.privacy.conftest import png
from trainingdesk.admissions import services as admissions
from trainingdesk.bookings.models import Booking
from trainingdesk.certificates import services
from trainingdesk.certificates.issuer import as_verified
from trainingdesk.coursework import services as coursework

ELSEWHERE = "Family Therapy Institute"


def advanced_after_level_1_elsewhere(person, run, trainer, coordinator) -> Booking:
    """Apply with Level 1 from another provider and its confirmation; the coordinator approves;
    book the Advanced run and attend every day."""
    return completed_advanced(
        run, person, trainer, approver=coordinator,
        answers=admissions.Answers(external_provider=ELSEWHERE,
                                   external_completed_on=dt.date(2023, 5, 19),
                                   registration_body="HCPC", registration_number="PYL12345"),
        files={"prerequisite": png("level1.png")})


@pytest.fixture
def from_elsewhere(participant, advanced_run, trainer, coordinator, programme):
    advanced_run.level.coursework_due_months = 12
    advanced_run.level.save(update_fields=["coursework_due_months"])
    booking = advanced_after_level_1_elsewhere(participant, advanced_run, trainer, coordinator)
    own_supervisor(booking)
    return participant


def test_the_coursework_opens_without_our_foundation_confirmation(from_elsewhere, advanced):
    assert coursework.missing_to_open(from_elsewhere, advanced) == []
    portfolio = coursework.open_portfolio(participant=from_elsewhere, level=advanced, now=ADVANCED_DONE)
    assert portfolio.completed_on == dt.date(2024, 4, 12)  # Advanced's last day, with us


def test_the_periodic_job_opens_it_too(from_elsewhere, advanced):
    assert coursework.open_due_portfolios(now=ADVANCED_DONE) == 1
    assert from_elsewhere.portfolios.get().level == advanced


def test_the_certificate_is_issued_and_names_the_other_provider(from_elsewhere, advanced, programme):
    passed_portfolio(from_elsewhere, advanced)
    certificate = services.issue_if_due(participant=from_elsewhere, programme=programme, now=ISSUED_AT)
    assert certificate is not None
    assert certificate.levels == [
        {"name": "Foundation", "accreditation": "NVRA Level 1", "provider": ELSEWHERE,
         "completed_on": "2023-05-19"},
        {"name": "Advanced", "accreditation": "NVRA Level 2", "completed_on": "2024-04-12"}]
    assert [level.label for level in certificate.levels_completed] == [
        f"Foundation (with {ELSEWHERE})", "Advanced"]
    lines = [line for fact in as_verified(certificate).facts for line in fact.values]
    assert (f"Foundation Level (NVRA Level 1), completed with {ELSEWHERE} on Friday 19 May 2023, "
            "accepted as equivalent") in lines


def test_my_pathway_shows_the_level_done_elsewhere_as_done(client, from_elsewhere):
    client.force_login(from_elsewhere)
    page = text_of(client.get(reverse("certificates:pathway")).content.decode())
    assert f"Completed with {ELSEWHERE} on Friday 19 May 2023, accepted as equivalent" in page
    assert "Every level is done: your coursework is open. Next: Start it from your coursework page." in page
    client.get(reverse("coursework:mine"))  # which opens it
    assert from_elsewhere.portfolios.count() == 1


def test_a_programme_that_does_not_count_it_asks_for_our_foundation(from_elsewhere, advanced,
                                                                   programme):
    programme.certificate_accepts_equivalent_levels = False
    programme.save()
    assert coursework.missing_to_open(from_elsewhere, advanced) == [
        "The Foundation Level's Attendance Confirmation."]
    passed_portfolio(from_elsewhere, advanced)
    assert services.issue_if_due(participant=from_elsewhere, programme=programme, now=ISSUED_AT) is None
