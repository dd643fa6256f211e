"""The coursework's workflows, through the services: opening, drafts, submission and its fee,
allocation (conflicts of interest), marking, moderation, referral and resubmission."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.coursework.conftest import WORKING, complete, docx
from tests.factories import UserFactory
from trainingdesk.accounts.models import Role
from trainingdesk.accounts.roles import grant_role
from trainingdesk.audit.models import AuditEntry
from trainingdesk.coursework import events, services
from trainingdesk.coursework.models import (
    MarkerRole,
    Outcome,
    Piece,
    PortfolioStatus,
    Submission,
    SubmittedPiece,
)
from trainingdesk.invoicing.models import Invoice
from trainingdesk.supervision.models import Allocation, SupervisionGroup, Supervisor

LATER = WORKING + dt.timedelta(days=30)


def fee_invoices():
    return Invoice.objects.filter(lines__description__startswith="Evaluation and assessment fee")


def parts(portfolio):
    return {part.title: part for part in services.parts_of(portfolio)}


def submitted(portfolio, now=LATER, **kwargs) -> Submission:
    return services.submit(portfolio=portfolio, actor=portfolio.participant, now=now, **kwargs)


def decide(submission, marker, outcome="pass", refer=(), feedback="Well argued."):
    decisions = [services.PartDecision(piece.pk, Outcome.REFER if piece.title in refer else Outcome.PASS,
                                       "Say more about the father's role." if piece.title in refer else "")
                 for piece in submission.pieces.filter(carried_over=False)]
    return services.record_marking(submission=submission, actor=marker, outcome=outcome,
                                   feedback=feedback, parts=decisions, now=LATER + dt.timedelta(days=10))


# --- opening ---------------------------------------------------------------------------------


def test_the_portfolio_does_not_open_without_the_foundation_confirmation(holder, coordinator,
                                                                         coursework_level):
    from trainingdesk.attendance.services import revoke_confirmation

    foundation = holder.attendance_confirmations.get(level=coursework_level.prerequisite)
    revoke_confirmation(confirmation=foundation, reason="Issued in error", actor=coordinator)
    with pytest.raises(ValidationError) as refused:
        services.open_portfolio(participant=holder, level=coursework_level, now=WORKING)
    assert refused.value.messages == ["The Foundation Level's Attendance Confirmation."]
    assert not holder.portfolios.exists()


def test_the_portfolio_is_due_12_months_after_the_advanced_levels_last_day(portfolio):
    assert portfolio.completed_on == dt.date(2024, 4, 12)
    assert services.due_date(portfolio) == dt.date(2025, 4, 12)


def test_opening_twice_returns_the_same_portfolio(portfolio, coursework_level):
    again = services.open_portfolio(participant=portfolio.participant, level=coursework_level)
    assert again.pk == portfolio.pk and again.candidate_number == portfolio.candidate_number


def test_the_periodic_job_opens_the_portfolio_of_everyone_holding_both_confirmations(holder,
                                                                                    coursework_level):
    assert services.open_due_portfolios(now=WORKING) == 1
    assert services.open_due_portfolios(now=WORKING) == 0
    assert holder.portfolios.get().level == coursework_level


# --- drafts ----------------------------------------------------------------------------------


def test_an_uploaded_case_study_is_counted_as_word_counts_it_footnotes_included(portfolio):
    case_study = portfolio.level.coursework.get(title="Case study")
    piece = services.save_draft(portfolio=portfolio, component=case_study, number=1,
                                actor=portfolio.participant, upload=docx(1950, footnote_words=40))
    assert (piece.words, piece.notes_words) == (1990, 40)
    assert parts(portfolio)["Case study 1"].words_problem is None


def test_a_case_study_outside_the_tolerance_is_shown_against_its_target(portfolio):
    case_study = portfolio.level.coursework.get(title="Case study")
    services.save_draft(portfolio=portfolio, component=case_study, number=2,
                        actor=portfolio.participant, upload=docx(2201))
    assert parts(portfolio)["Case study 2"].words_problem == (
        "2,201 words: at most 2,200 are allowed (2,000 words, 10% either side).")


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("cv.docx", b"not a word document at all"), "not a PDF or Word document"),
    (SimpleUploadedFile("empty.pdf", b""), "empty"),
])
def test_a_bad_file_is_refused_and_the_draft_is_untouched(portfolio, upload, message):
    case_study = portfolio.level.coursework.get(title="Case study")
    kept = services.save_draft(portfolio=portfolio, component=case_study, number=1,
                               actor=portfolio.participant, upload=docx(2000))
    with pytest.raises(ValidationError) as refused:
        services.save_draft(portfolio=portfolio, component=case_study, number=1,
                            actor=portfolio.participant, upload=upload)
    assert message in " ".join(refused.value.messages)
    piece = Piece.objects.get(pk=kept.pk)
    assert (piece.file.name, piece.words) == (kept.file.name, 2000)


def test_a_scanned_pdf_is_refused_as_no_text_found(portfolio):
    from tests.lib.test_uploads import scanned_pdf

    case_study = portfolio.level.coursework.get(title="Case study")
    with pytest.raises(ValidationError) as refused:
        services.save_draft(portfolio=portfolio, component=case_study, number=1, actor=portfolio.participant,
                            upload=SimpleUploadedFile("scan.pdf", scanned_pdf()))
    assert "No text found (a scanned image?)" in refused.value.messages[0]
    assert not Piece.objects.exists()


def test_only_the_participant_keeps_drafts(portfolio, coordinator):
    log = portfolio.level.coursework.get(title="Reflective log")
    with pytest.raises(PermissionDenied):
        services.save_draft(portfolio=portfolio, component=log, number=1, actor=coordinator, text="Mine")
    assert not Piece.objects.exists()


# --- submission ------------------------------------------------------------------------------


def test_an_incomplete_portfolio_cannot_be_submitted_and_nothing_is_charged(portfolio):
    log = portfolio.level.coursework.get(title="Reflective log")
    services.save_draft(portfolio=portfolio, component=log, number=1, actor=portfolio.participant,
                        text="Reflections.", now=WORKING)
    with pytest.raises(ValidationError) as refused:
        submitted(portfolio)
    assert refused.value.messages == ["Case study 1: not there yet.", "Case study 2: not there yet.",
                                      "Required reading: not there yet."]
    assert not fee_invoices().exists() and not Submission.objects.exists()


def test_submitting_freezes_the_portfolio_and_invoices_300_pounds(portfolio,
                                                                  django_capture_on_commit_callbacks):
    complete(portfolio)
    with django_capture_on_commit_callbacks(execute=True):
        submission = submitted(portfolio)
    invoice = submission.invoice
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (
        Decimal("250.00"), Decimal("50.00"), Decimal("300.00"))
    assert invoice.customer_person_id == portfolio.participant.pk
    assert SubmittedPiece.objects.filter(submission=submission).count() == 4
    portfolio.refresh_from_db()
    assert portfolio.status == PortfolioStatus.SUBMITTED
    log = portfolio.level.coursework.get(title="Reflective log")
    with pytest.raises(ValidationError, match="cannot be changed now"):
        services.save_draft(portfolio=portfolio, component=log, number=1, actor=portfolio.participant,
                            text="A change after submitting")
    assert any(invoice.number in message.body for message in mail.outbox)


def test_submitting_twice_charges_once(portfolio):
    complete(portfolio)
    submitted(portfolio)
    with pytest.raises(ValidationError, match="already been submitted"):
        submitted(portfolio)
    assert fee_invoices().count() == 1 and Submission.objects.count() == 1


def test_a_case_study_too_long_stops_the_submission(portfolio):
    complete(portfolio, case_study_words=2300)
    with pytest.raises(ValidationError) as refused:
        submitted(portfolio)
    assert refused.value.messages[0].startswith("Case study 1: 2,300 words: at most 2,200")
    assert not fee_invoices().exists()


def test_after_the_deadline_only_an_extension_allows_submission(portfolio, coordinator):
    complete(portfolio)
    late = dt.datetime(2025, 4, 14, 10, tzinfo=dt.UTC)
    with pytest.raises(ValidationError, match="deadline has passed"):
        submitted(portfolio, now=late)
    with pytest.raises(ValidationError):
        services.grant_extension(portfolio=portfolio, days=14, reason="  ", actor=coordinator)
    services.grant_extension(portfolio=portfolio, days=14, reason="Bereavement", actor=coordinator,
                             now=late)
    assert services.due_date(portfolio) == dt.date(2025, 4, 26)
    assert submitted(portfolio, now=late).invoice is not None
    assert AuditEntry.objects.filter(action="coursework.extension.granted", reason="Bereavement").exists()


def test_the_employer_that_paid_for_the_training_may_be_invoiced(participant, trainer, foundation,
                                                                 coursework_level, advanced_run):
    from tests.coursework.conftest import completed_advanced, completed_foundation

    completed_foundation(foundation, participant, trainer)
    completed_advanced(advanced_run, participant, trainer, employer=True)
    portfolio = services.open_portfolio(participant=participant, level=coursework_level, now=WORKING)
    complete(portfolio)
    invoice = submitted(portfolio, payer="employer", purchase_order="PO-77").invoice
    assert invoice.customer_organisation_id is not None and invoice.customer_person_id is None
    assert (invoice.customer_name, invoice.purchase_order) == ("Northshire NHS Trust", "PO-77")


# --- allocation ------------------------------------------------------------------------------


def test_the_participants_trainer_may_not_assess(portfolio, coordinator, trainer):
    grant_role(trainer, Role.ASSESSOR)
    complete(portfolio)
    submission = submitted(portfolio)
    with pytest.raises(ValidationError) as refused:
        services.allocate_markers(submission=submission, assessor=trainer, moderator=None, actor=coordinator)
    assert "Conflict of interest: Tom Trainer was the participant's trainer at the Advanced Level." in (
        refused.value.messages)
    submission.refresh_from_db()
    assert submission.assessor_id is None


def test_the_participants_supervisor_may_not_moderate(portfolio, coordinator, assessor, moderator):
    supervisor = Supervisor.objects.create(user=moderator, accreditation="NVRA")
    group = SupervisionGroup.objects.create(name="Thursdays", level=portfolio.level, supervisor=supervisor,
                                            capacity=8, weekday=3, start_time=dt.time(19),
                                            joining_link="https://zoom.us/j/1")
    booking = portfolio.participant.bookings.get(run__level=portfolio.level)
    Allocation.objects.create(group=group, booking=booking)
    complete(portfolio)
    submission = submitted(portfolio)
    with pytest.raises(ValidationError) as refused:
        services.allocate_markers(submission=submission, assessor=assessor, moderator=moderator,
                                  actor=coordinator)
    assert refused.value.message_dict["moderator"] == [
        "Conflict of interest: Milo Moderator is the participant's supervisor at the Advanced Level."]


def test_only_the_coordinator_allocates(portfolio, assessor):
    complete(portfolio)
    submission = submitted(portfolio)
    with pytest.raises(PermissionDenied):
        services.allocate_markers(submission=submission, assessor=assessor, moderator=None, actor=assessor)
    submission.refresh_from_db()
    assert submission.assessor_id is None


def test_someone_who_is_not_an_assessor_cannot_be_allocated(portfolio, coordinator):
    complete(portfolio)
    with pytest.raises(ValidationError, match="is not an assessor"):
        services.allocate_markers(submission=submitted(portfolio), assessor=UserFactory(), moderator=None,
                                  actor=coordinator)


# --- marking ---------------------------------------------------------------------------------


@pytest.fixture
def allocated(portfolio, coordinator, assessor):
    complete(portfolio)
    submission = submitted(portfolio)
    return services.allocate_markers(submission=submission, assessor=assessor, moderator=None,
                                     actor=coordinator)


def test_a_referred_part_needs_feedback(allocated, assessor):
    piece = allocated.pieces.get(number=2, component__title="Case study")
    decisions = [services.PartDecision(p.pk, Outcome.REFER if p.pk == piece.pk else Outcome.PASS, "")
                 for p in allocated.pieces.all()]
    with pytest.raises(ValidationError) as refused:
        services.record_marking(submission=allocated, actor=assessor, outcome="refer", feedback="See parts",
                                parts=decisions)
    assert refused.value.message_dict[f"feedback_{piece.pk}"] == [
        "Give feedback for Case study 2: it is referred."]
    assert not allocated.markings.exists()


def test_an_overall_pass_with_a_referred_part_is_refused(allocated, assessor):
    with pytest.raises(ValidationError) as refused:
        decide(allocated, assessor, outcome="pass", refer=["Reflective log"])
    assert refused.value.message_dict["outcome"] == [
        "The overall outcome is pass, but Reflective log is referred."]


def test_someone_not_allocated_cannot_mark(allocated, moderator):
    with pytest.raises(PermissionDenied):
        decide(allocated, moderator)
    assert not allocated.markings.exists()


def test_a_pass_passes_the_portfolio_and_tells_the_apps_above(allocated, assessor,
                                                              django_capture_on_commit_callbacks):
    heard = []
    events.register_on_passed(heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            decide(allocated, assessor)
    finally:
        events._on_passed.remove(heard.append)
    portfolio = allocated.portfolio
    portfolio.refresh_from_db()
    assert portfolio.status == PortfolioStatus.PASSED and heard == [portfolio.pk]
    assert any(message.subject.startswith("Your coursework has passed") for message in mail.outbox)
    assert AuditEntry.objects.filter(action="coursework.pass").exists()


def test_a_referral_returns_only_the_referred_parts_and_charges_no_second_fee(allocated, assessor,
                                                                             coordinator):
    decide(allocated, assessor, outcome="refer", refer=["Case study 2"], feedback="One case study to revise.")
    portfolio = allocated.portfolio
    portfolio.refresh_from_db()
    assert portfolio.status == PortfolioStatus.REFERRED
    assert portfolio.resubmit_by == dt.date(2024, 10, 12) + dt.timedelta(weeks=12)
    editable = {title for title, part in parts(portfolio).items() if part.editable}
    assert editable == {"Case study 2"}
    case_study = portfolio.level.coursework.get(title="Case study")
    with pytest.raises(ValidationError, match="cannot be changed now"):
        services.save_draft(portfolio=portfolio, component=case_study, number=1, actor=portfolio.participant,
                            upload=docx(2100))
    services.save_draft(portfolio=portfolio, component=case_study, number=2, actor=portfolio.participant,
                        upload=docx(2100), now=LATER + dt.timedelta(days=20))
    second = submitted(portfolio, now=LATER + dt.timedelta(days=21))
    assert second.attempt == 2 and second.invoice is None and fee_invoices().count() == 1
    new = second.pieces.filter(carried_over=False)
    assert [piece.title for piece in new] == ["Case study 2"] and new[0].words == 2100
    assert second.pieces.filter(carried_over=True).count() == 3


def test_a_moderator_who_disagrees_decides_and_the_disagreement_is_recorded(portfolio, coordinator,
                                                                           assessor, moderator):
    complete(portfolio)
    submission = services.allocate_markers(submission=submitted(portfolio), assessor=assessor,
                                           moderator=moderator, actor=coordinator)
    with pytest.raises(ValidationError, match="has not marked it yet"):
        decide(submission, moderator)
    decide(submission, assessor)
    portfolio.refresh_from_db()
    assert portfolio.status == PortfolioStatus.SUBMITTED  # waiting for the moderator
    marking = decide(submission, moderator, outcome="refer", refer=["Reflective log"], feedback="Thin log.")
    assert marking.role == MarkerRole.MODERATOR and marking.disagrees
    portfolio.refresh_from_db()
    assert portfolio.status == PortfolioStatus.REFERRED
    assert AuditEntry.objects.filter(action="coursework.moderator.marked", after__disagrees=True).exists()


def test_a_moderator_who_agrees_confirms_the_pass(portfolio, coordinator, assessor, moderator):
    complete(portfolio)
    submission = services.allocate_markers(submission=submitted(portfolio), assessor=assessor,
                                           moderator=moderator, actor=coordinator)
    decide(submission, assessor)
    assert not decide(submission, moderator).disagrees
    portfolio.refresh_from_db()
    assert portfolio.status == PortfolioStatus.PASSED
