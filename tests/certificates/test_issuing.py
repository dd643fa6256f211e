"""Issuing the certificate once every requirement holds, and not before: each requirement missing
is its own test; the requirements are earned through the real services."""

from __future__ import annotations

from django.core import mail

from tests.certificates.conftest import ISSUED_AT, own_supervisor, passed_portfolio, qualify
from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.attendance.services import revoke_confirmation
from trainingdesk.audit.models import AuditEntry
from trainingdesk.certificates import selectors, services
from trainingdesk.certificates.models import Certificate
from trainingdesk.coursework.rules import certificate_missing


def _issue(person, programme):
    return services.issue_if_due(participant=person, programme=programme, now=ISSUED_AT)


def test_a_participant_who_meets_every_requirement_is_issued_the_certificate(holder, programme):
    certificate = _issue(holder, programme)
    assert certificate is not None
    assert certificate.holder_name == "Pat Participant"
    assert certificate.award_name == "PartnershipProjects Advanced Certificate in NVR Practice"
    assert [level["name"] for level in certificate.levels] == ["Foundation", "Advanced"]
    assert certificate.levels[0]["completed_on"] == "2022-09-15"
    assert certificate.levels[1] == {"name": "Advanced", "accreditation": "NVRA Level 2",
                                     "completed_on": "2024-04-12"}
    assert certificate.own_supervisor is True
    assert certificate.issued_at == ISSUED_AT
    assert certificate.credential["id"].endswith(f"/verify/{certificate.code}/")
    assert AuditEntry.objects.filter(action="certificates.certificate.issued",
                                     object_id=str(certificate.pk)).count() == 1


def test_the_holder_is_emailed_the_certificate_as_a_pdf(holder, programme,
                                                        django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        certificate = _issue(holder, programme)
    [email] = [m for m in mail.outbox if certificate.code in m.body]
    assert email.to == ["pat@example.org"]
    [(name, content, mimetype)] = email.attachments
    assert name == f"certificate-{certificate.code}.pdf"
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")


def test_it_is_issued_once_however_often_it_is_asked_for(holder, programme):
    assert _issue(holder, programme) is not None
    assert _issue(holder, programme) is None
    assert services.issue_due_certificates(now=ISSUED_AT) == 0
    assert Certificate.objects.count() == 1


def test_without_the_foundation_confirmation_no_certificate_is_issued(
        holder, programme, coordinator):
    foundation_confirmation = AttendanceConfirmation.objects.get(participant=holder,
                                                                 level__name="Foundation")
    revoke_confirmation(confirmation=foundation_confirmation, reason="Issued in error",
                        actor=coordinator)
    assert _issue(holder, programme) is None
    assert certificate_missing(selectors.pathway_of(holder, programme)) == [
        "The Foundation Level's Attendance Confirmation."]
    assert not Certificate.objects.exists()


def test_without_the_advanced_confirmation_no_certificate_is_issued(holder, programme, coordinator):
    advanced_confirmation = AttendanceConfirmation.objects.get(participant=holder,
                                                               level__name="Advanced")
    revoke_confirmation(confirmation=advanced_confirmation, reason="Issued in error",
                        actor=coordinator)
    assert _issue(holder, programme) is None
    assert certificate_missing(selectors.pathway_of(holder, programme)) == [
        "The Advanced Level's Attendance Confirmation."]


def test_without_supervision_hours_or_an_own_supervisor_no_certificate_is_issued(
        participant, trainer, foundation, programme, advanced_run):
    qualify(participant, trainer=trainer, foundation=foundation, advanced_run=advanced_run,
            supervised=False)
    assert _issue(participant, programme) is None
    assert certificate_missing(selectors.pathway_of(participant, programme)) == [
        "12 hours of group supervision (0.00 so far), or your own supervisor recorded."]


def test_an_own_supervisor_does_not_count_where_the_programme_does_not_accept_one(holder, programme):
    programme.certificate_accepts_own_supervisor = False
    programme.save(update_fields=["certificate_accepts_own_supervisor"])
    assert _issue(holder, programme) is None


def test_without_the_coursework_passed_no_certificate_is_issued(
        participant, trainer, foundation, programme, advanced_run):
    qualify(participant, trainer=trainer, foundation=foundation, advanced_run=advanced_run,
            passed=False)
    assert _issue(participant, programme) is None
    assert certificate_missing(selectors.pathway_of(participant, programme)) == [
        "The coursework, passed."]


def test_the_periodic_job_issues_it_once_the_last_requirement_holds(
        participant, trainer, foundation, programme, advanced, advanced_run):
    booking = qualify(participant, trainer=trainer, foundation=foundation,
                      advanced_run=advanced_run, supervised=False)
    assert services.issue_due_certificates(now=ISSUED_AT) == 0
    own_supervisor(booking)  # the supervision completes after the coursework passed
    assert services.issue_due_certificates(now=ISSUED_AT) == 1
    assert Certificate.objects.get().participant == participant


def test_the_pass_of_the_coursework_issues_it_through_the_coursework_event(
        participant, trainer, foundation, programme, advanced, advanced_run,
        django_capture_on_commit_callbacks):
    from trainingdesk.coursework import events

    qualify(participant, trainer=trainer, foundation=foundation, advanced_run=advanced_run,
            passed=False)
    with django_capture_on_commit_callbacks(execute=True):
        portfolio = passed_portfolio(participant, advanced)
        events.portfolio_passed(portfolio.pk)
    assert Certificate.objects.get().participant == participant


def test_a_revoked_certificate_is_not_issued_again_by_the_periodic_job(certificate, coordinator):
    services.revoke_certificate(certificate=certificate, reason="Issued in error", actor=coordinator,
                                now=ISSUED_AT)
    assert services.issue_due_certificates(now=ISSUED_AT) == 0
    assert Certificate.objects.count() == 1


def test_the_pathway_takes_a_fixed_number_of_queries(holder, programme, django_assert_num_queries):
    # levels, confirmations, levels done elsewhere, portfolios, allocations, own supervisor
    with django_assert_num_queries(6):
        selectors.pathway_of(holder, programme)
