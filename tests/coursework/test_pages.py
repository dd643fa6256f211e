"""What the coursework pages say and do for the people using them."""

from __future__ import annotations

import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.coursework.conftest import WORKING, complete, completed_advanced, completed_foundation, docx
from tests.factories import UserFactory
from trainingdesk.coursework import services
from trainingdesk.coursework.models import Piece, Submission


@pytest.fixture(autouse=True)
def _while_working():
    with time_machine.travel(WORKING, tick=False):
        yield


def _macro_enabled() -> SimpleUploadedFile:
    """A Word document whose content types declare macros (a .docm renamed .docx)."""
    content = docx(2000).read()
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
            archive.writestr(item, data)
        archive.writestr("word/vbaProject.bin", b"\x00" * 64)
    return SimpleUploadedFile("case-study.docx", buffer.getvalue())


def test_the_portfolio_shows_each_part_against_its_target_and_the_time_left(client, portfolio):
    case_study = portfolio.level.coursework.get(title="Case study")
    services.save_draft(portfolio=portfolio, component=case_study, number=1, actor=portfolio.participant,
                        upload=docx(2250))
    client.force_login(portfolio.participant)
    page = client.get(reverse("coursework:portfolio", args=[portfolio.pk])).content.decode()
    assert "Saturday 12 April 2025: 222 days left." in page
    assert "2000 (1800 to 2200)" in page
    assert "2,250 words: at most 2,200 are allowed" in page
    assert "footnotes and endnotes" in page
    assert "Case study 2: not there yet." in page


def test_a_macro_enabled_document_is_refused_at_its_field_and_the_draft_kept(client, portfolio):
    case_study = portfolio.level.coursework.get(title="Case study")
    kept = services.save_draft(portfolio=portfolio, component=case_study, number=1,
                               actor=portfolio.participant, upload=docx(2000))
    client.force_login(portfolio.participant)
    response = client.post(reverse("coursework:part", args=[portfolio.pk, case_study.pk, 1]),
                           {"file": _macro_enabled()})
    assert response.status_code == 400
    assert "macro" in " ".join(response.context["form"].errors["file"]).lower()
    assert 'href="#id_file"' in response.content.decode()
    assert Piece.objects.get().file.name == kept.file.name


def test_writing_the_log_in_the_page_counts_its_words(client, portfolio):
    log = portfolio.level.coursework.get(title="Reflective log")
    client.force_login(portfolio.participant)
    response = client.post(reverse("coursework:part", args=[portfolio.pk, log.pk, 1]),
                           {"text": "Week one: the parents announced their resistance."}, follow=True)
    assert "Reflective log is saved." in response.content.decode()
    assert Piece.objects.get().words == 7


def test_submitting_through_the_page_invoices_the_fee_and_shows_the_invoice(client, portfolio):
    complete(portfolio)
    client.force_login(portfolio.participant)
    form = client.get(reverse("coursework:submit", args=[portfolio.pk])).content.decode()
    assert "£300 including VAT, is invoiced when you submit" in form
    response = client.post(reverse("coursework:submit", args=[portfolio.pk]), {"declaration": "on"},
                           follow=True)
    invoice = Submission.objects.get().invoice
    page = response.content.decode()
    assert "Your coursework is submitted." in page and invoice.number in page
    assert client.get(reverse("invoicing:pdf", args=[invoice.number])).status_code == 200


def test_submitting_without_the_declaration_says_so_and_charges_nothing(client, portfolio):
    complete(portfolio)
    client.force_login(portfolio.participant)
    response = client.post(reverse("coursework:submit", args=[portfolio.pk]), {})
    assert response.status_code == 400 and "declaration" in response.context["form"].errors
    assert not Submission.objects.exists()


def test_an_anonymous_marker_sees_the_candidate_number_not_the_name(client, portfolio, coordinator, assessor):
    portfolio.level.coursework_anonymous_marking = True
    portfolio.level.save(update_fields=["coursework_anonymous_marking"])
    complete(portfolio)
    submission = services.submit(portfolio=portfolio, actor=portfolio.participant)
    services.allocate_markers(submission=submission, assessor=assessor, moderator=None, actor=coordinator)
    client.force_login(assessor)
    for url in (reverse("coursework:marking"), reverse("coursework:mark", args=[submission.pk])):
        page = client.get(url).content.decode()
        assert portfolio.candidate_number in page and "Pat Participant" not in page
    piece = submission.pieces.exclude(file="").first()
    download = client.get(reverse("coursework:submitted_file", args=[submission.pk, piece.pk]))
    assert portfolio.candidate_number in download["Content-Disposition"]
    assert "Pat" not in download["Content-Disposition"]


def test_a_named_marker_sees_the_name(client, portfolio, coordinator, assessor):
    complete(portfolio)
    submission = services.submit(portfolio=portfolio, actor=portfolio.participant)
    services.allocate_markers(submission=submission, assessor=assessor, moderator=None, actor=coordinator)
    client.force_login(assessor)
    assert "Pat Participant" in client.get(reverse("coursework:mark", args=[submission.pk])).content.decode()


def test_a_referred_part_without_feedback_is_shown_at_its_field(client, portfolio, coordinator, assessor):
    complete(portfolio)
    submission = services.submit(portfolio=portfolio, actor=portfolio.participant)
    services.allocate_markers(submission=submission, assessor=assessor, moderator=None, actor=coordinator)
    pieces = list(submission.pieces.all())
    data = {"outcome": "refer", "feedback": "Revise the log."}
    data.update({f"part_{piece.pk}": "pass" for piece in pieces})
    log = next(piece for piece in pieces if piece.title == "Reflective log")
    data[f"part_{log.pk}"] = "refer"
    client.force_login(assessor)
    response = client.post(reverse("coursework:mark", args=[submission.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors[f"feedback_{log.pk}"] == [
        "Give feedback for Reflective log: it is referred."]
    assert f'href="#id_feedback_{log.pk}"' in response.content.decode()
    assert not submission.markings.exists()


def _submitted_and_allocated(portfolio, coordinator, assessor):
    complete(portfolio)
    submission = services.submit(portfolio=portfolio, actor=portfolio.participant)
    services.allocate_markers(submission=submission, assessor=assessor, moderator=None, actor=coordinator)


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    return len(queries), page


def test_the_overview_and_the_marking_list_run_the_same_queries_for_one_portfolio_or_two(
    client, portfolio, coordinator, assessor, trainer, foundation, advanced_run
):
    _submitted_and_allocated(portfolio, coordinator, assessor)
    client.force_login(coordinator)
    review_one, _page = _queries(client, reverse("coursework:review"))
    client.force_login(assessor)
    marking_one, _page = _queries(client, reverse("coursework:marking"))

    second = UserFactory(full_name="Bea Second")
    completed_foundation(foundation, second, trainer)
    completed_advanced(advanced_run, second, trainer)
    other = services.open_portfolio(participant=second, level=portfolio.level, now=WORKING)
    _submitted_and_allocated(other, coordinator, assessor)
    client.force_login(coordinator)
    review_two, page = _queries(client, reverse("coursework:review"))
    assert review_two == review_one and "Bea Second" in page and "Asha Assessor" in page
    client.force_login(assessor)
    marking_two, page = _queries(client, reverse("coursework:marking"))
    assert marking_two == marking_one and other.candidate_number in page
