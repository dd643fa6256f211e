"""The holder's PDF and credential downloads, the coordinator's ZIP of a run's certificates, and
the query counts of the ZIP and the verification page."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.certificates.conftest import ISSUED_AT, qualify
from tests.factories import UserFactory
from trainingdesk.certificates import services


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_holder_downloads_their_certificate_pdf(certificate, client):
    client.force_login(certificate.participant)
    response = client.get(reverse("certificates:certificate_pdf", args=[certificate.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Pat Participant" in text and certificate.code in text
    assert "Foundation" in text and "Advanced" in text


@pytest.mark.parametrize("name", ["فاطمة الزهراء", "王小明"])
def test_the_pdf_prints_a_name_in_any_script_in_its_text_layer(
        participant, trainer, foundation, programme, advanced_run, client, name):
    participant.full_name = name
    participant.save(update_fields=["full_name"])
    qualify(participant, trainer=trainer, foundation=foundation, advanced_run=advanced_run)
    certificate = services.issue_if_due(participant=participant, programme=programme, now=ISSUED_AT)
    assert certificate is not None and certificate.holder_name == name
    client.force_login(participant)
    content = client.get(reverse("certificates:certificate_pdf", args=[certificate.code])).content
    assert name in _pdf_text(content)


def test_a_superseded_certificate_s_pdf_says_so(certificate, coordinator, client):
    services.reissue_certificate(certificate=certificate, holder_name="Patricia Participant",
                                 reason="Name misspelt", actor=coordinator)
    client.force_login(certificate.participant)
    content = client.get(reverse("certificates:certificate_pdf", args=[certificate.code])).content
    assert "SUPERSEDED" in _pdf_text(content)


def test_the_holder_downloads_their_credential_json(certificate, client):
    client.force_login(certificate.participant)
    response = client.get(reverse("certificates:certificate_credential", args=[certificate.code]))
    assert response.status_code == 200
    assert response.json() == certificate.credential
    assert "attachment" in response["Content-Disposition"]


def _zip_names(response) -> list[str]:
    return sorted(zipfile.ZipFile(io.BytesIO(response.content)).namelist())


def _another_holder(name, trainer, foundation, programme, advanced_run):
    person = UserFactory(full_name=name)
    qualify(person, trainer=trainer, foundation=foundation, advanced_run=advanced_run)
    return services.issue_if_due(participant=person, programme=programme, now=ISSUED_AT)


def test_the_coordinator_downloads_a_run_s_certificates_as_one_zip(
        certificate, coordinator, client, trainer, foundation, programme, advanced_run):
    client.force_login(coordinator)
    url = reverse("certificates:run_certificates", args=[advanced_run.pk])
    client.get(url)  # the session's first load
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert response["Content-Type"] == "application/zip"
    assert _zip_names(response) == [f"certificate-{certificate.code}.pdf"]
    others = [_another_holder(f"Holder {n}", trainer, foundation, programme, advanced_run)
              for n in range(2)]
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)
    assert _zip_names(response) == sorted(f"certificate-{c.code}.pdf" for c in [certificate, *others])
    assert len(three) == len(one) == 5  # session, user, roles, the run, its certificates


def test_a_run_s_zip_leaves_out_revoked_certificates_and_other_runs(
        certificate, coordinator, client, foundation):
    services.revoke_certificate(certificate=certificate, reason="Error", actor=coordinator)
    client.force_login(coordinator)
    assert _zip_names(client.get(reverse("certificates:run_certificates",
                                         args=[advanced_run_of(certificate)]))) == []
    foundation_run = certificate.participant.bookings.get(run__level=foundation).run
    assert _zip_names(client.get(reverse("certificates:run_certificates",
                                         args=[foundation_run.pk]))) == []


def advanced_run_of(certificate) -> int:
    return certificate.participant.bookings.get(run__level=certificate.portfolio.level).run_id


def test_the_verification_page_takes_the_same_queries_however_many_certificates_exist(
        certificate, client, trainer, foundation, programme, advanced_run):
    url = reverse("certificates:verify", args=[certificate.code])
    # One moment for every request: the rate limit counts per minute, and a new minute's first
    # count is an insert where the others are updates (a slow machine could cross one).
    with time_machine.travel(dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC), tick=False):
        client.get(url)  # the rate limit's first count
        with CaptureQueriesContext(connection) as alone:
            assert client.get(url).status_code == 200
        for n in range(2):
            _another_holder(f"Holder {n}", trainer, foundation, programme, advanced_run)
        with CaptureQueriesContext(connection) as among_many:
            assert client.get(url).status_code == 200
    assert len(among_many) == len(alone)
