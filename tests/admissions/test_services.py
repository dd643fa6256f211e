"""Applying for the Advanced level, and the decisions: by the records where they suffice, by
the coordinator where a person must judge."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests.admissions.conftest import completed_foundation
from tests.factories import UserFactory
from trainingdesk.admissions import services
from trainingdesk.admissions.models import Application, ApplicationStatus, Message
from trainingdesk.audit.models import AuditEntry

pytestmark = pytest.mark.usefixtures("applying")


def _apply(participant, level, run=None, **answers) -> Application:
    application = services.start_application(participant=participant, level=level, run=run)
    return services.save_draft(application=application, answers=services.Answers(**answers),
                               actor=participant)


def test_our_confirmation_and_an_hcpc_number_are_approved_automatically(
    participant, trainer, foundation, advanced, advanced_run, django_capture_on_commit_callbacks
):
    completed_foundation(foundation, participant, trainer)
    with django_capture_on_commit_callbacks(execute=True):
        application = _apply(participant, advanced, advanced_run, registration_body="HCPC",
                             registration_number="pyl 12345")
        application = services.submit(application=application, actor=participant)
    assert application.status == ApplicationStatus.APPROVED and application.decided_by is None
    assert application.registration_number == "PYL12345"
    assert services.admission_refusal(participant, advanced, advanced_run) is None
    subjects = [e.subject for e in mail.outbox if participant.email in e.to]
    assert "Your application for Advanced is approved (" + application.reference + ")" in subjects
    assert AuditEntry.objects.filter(action="admissions.application.approved").exists()


def test_a_covering_letter_waits_for_the_coordinator_who_approves_it(
    participant, trainer, coordinator, foundation, advanced, advanced_run
):
    completed_foundation(foundation, participant, trainer)
    application = _apply(participant, advanced, advanced_run,
                         covering_letter="Ten years in a youth offending team.")
    application = services.submit(application=application, actor=participant)
    assert application.status == ApplicationStatus.SUBMITTED
    assert list(Application.objects.review_queue()) == [application]
    assert "need an approved application" in services.admission_refusal(
        participant, advanced, advanced_run)
    services.decide(application=application, decision="approve", reason="", actor=coordinator)
    application.refresh_from_db()
    assert (application.status, application.decided_by) == (ApplicationStatus.APPROVED, coordinator)


def test_a_foundation_older_than_two_years_is_refused_with_the_reason(
    participant, trainer, foundation, advanced, advanced_run
):
    completed_foundation(foundation, participant, trainer)
    advanced_run.days.filter(number=1).update(date="2024-09-16")  # 2 years and a day later
    application = _apply(participant, advanced, advanced_run, registration_body="HCPC",
                         registration_number="PYL12345")
    application = services.submit(application=application, actor=participant)
    assert application.status == ApplicationStatus.REFUSED
    assert "must be completed within the 2 years before 16 September 2024" in (
        application.decision_reason)


def test_the_coordinator_asks_for_more_and_the_answer_returns_to_the_queue(
    participant, trainer, coordinator, foundation, advanced
):
    completed_foundation(foundation, participant, trainer)
    application = services.submit(application=_apply(participant, advanced,
                                                     covering_letter="Family work."),
                                  actor=participant)
    services.decide(application=application, decision="ask", reason="Which families, how long?",
                    actor=coordinator)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.MORE_INFORMATION
    services.answer(application=application, text="Five years of family support.",
                    actor=participant)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert [(m.from_coordinator, m.text) for m in Message.objects.all()] == [
        (True, "Which families, how long?"), (False, "Five years of family support.")]


def test_a_decision_made_a_moment_earlier_by_another_coordinator_is_not_overwritten(
    participant, trainer, coordinator, foundation, advanced
):
    completed_foundation(foundation, participant, trainer)
    application = services.submit(application=_apply(participant, advanced, covering_letter="x"),
                                  actor=participant)
    stale = Application.objects.get(pk=application.pk)
    services.decide(application=application, decision="refuse", reason="Too little", actor=coordinator)
    with pytest.raises(ValidationError, match="someone else has dealt with it"):
        services.decide(application=stale, decision="approve", reason="", actor=coordinator)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.REFUSED


@pytest.mark.parametrize(("answers", "field", "message"), [
    ({"registration_body": "HCPC", "registration_number": "12345"}, "registration_number",
     "An HCPC number looks like"),
    ({"external_provider": "Elsewhere", "external_completed_on": "2099-01-01"},
     "external_completed_on", "cannot be in the future"),
    ({"external_provider": "Elsewhere", "external_completed_on": "1999-12-31"},
     "external_completed_on", "in 2000 or later, like 2023-06-23"),
    ({"registration_number": "PYL12345"}, "registration_body", "Choose the body"),
])
def test_bad_answers_are_refused_at_their_field_and_nothing_is_saved(
    participant, advanced, answers, field, message
):
    import datetime as dt

    if "external_completed_on" in answers:
        answers = {**answers,
                   "external_completed_on": dt.date.fromisoformat(answers["external_completed_on"])}
    application = services.start_application(participant=participant, level=advanced)
    with pytest.raises(ValidationError) as refused:
        services.save_draft(application=application, answers=services.Answers(**answers),
                            actor=participant)
    assert message in refused.value.message_dict[field][0]
    application.refresh_from_db()
    assert application.registration_number == "" and application.external_provider == ""


def test_a_second_open_application_for_the_level_is_never_made(participant, advanced):
    first = services.start_application(participant=participant, level=advanced)
    assert services.start_application(participant=participant, level=advanced) == first
    assert Application.objects.count() == 1


def test_nobody_else_changes_or_decides_an_application(participant, outsider, trainer, advanced):
    application = services.start_application(participant=participant, level=advanced)
    with pytest.raises(ValidationError):
        services.save_draft(application=application, actor=outsider,
                            answers=services.Answers(covering_letter="mine now"))
    with pytest.raises(PermissionDenied):
        services.decide(application=application, decision="approve", reason="", actor=trainer)
    application.refresh_from_db()
    assert application.covering_letter == "" and application.status == ApplicationStatus.DRAFT


def test_an_approval_admits_only_to_runs_within_the_prerequisite_s_window(
    participant, trainer, foundation, advanced, advanced_run
):
    from tests.factories import CourseRunFactory

    completed_foundation(foundation, participant, trainer)
    services.submit(application=_apply(participant, advanced, advanced_run,
                                       registration_body="HCPC", registration_number="PYL12345"),
                    actor=participant)
    import datetime as dt

    late = CourseRunFactory(level=advanced, title="Autumn 2024", days=[dt.date(2024, 10, 1)])
    assert services.admission_refusal(participant, advanced, advanced_run) is None
    assert "does not cover this run" in services.admission_refusal(participant, advanced, late)
    assert "need an approved application" in services.admission_refusal(
        UserFactory(), advanced, advanced_run)


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (30, 10), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_evidence_is_deleted_after_the_retention_period_and_the_row_says_so(
    participant, advanced, settings
):
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from trainingdesk.admissions.models import Evidence
    from trainingdesk.lib.periodic import run_all

    settings.ADMISSIONS_EVIDENCE_KEEP_DAYS = 30
    application = services.start_application(participant=participant, level=advanced)
    services.save_draft(application=application, actor=participant,
                        answers=services.Answers(covering_letter="x"),
                        files={"covering_letter": SimpleUploadedFile("letter.png", _png(),
                                                                     "image/png")})
    services.submit(application=application, actor=participant)  # refused: no Foundation
    evidence = Evidence.objects.get()
    stored = evidence.file.name
    decided = Application.objects.get().decided_at
    run_all(decided + dt.timedelta(days=29))
    assert Evidence.objects.get().file.name == stored
    assert evidence.file.storage.exists(stored)
    run_all(decided + dt.timedelta(days=31))
    assert Evidence.objects.get().file.name == ""
    assert not evidence.file.storage.exists(stored)
    assert AuditEntry.objects.filter(action="admissions.evidence.deleted").exists()
