"""Every change to an application goes through these functions: atomic, audited, and emailed
where a person must know.

The rules are `admissions.rules`; this module gathers the evidence they judge (our own
Attendance Confirmations, the registration's format from the professional body's table), keeps
the findings on the application, and decides by the records where the level allows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from trainingdesk.accounts.models import User
from trainingdesk.admissions import rules
from trainingdesk.admissions.models import (
    OPEN,
    Application,
    ApplicationStatus,
    Evidence,
    EvidenceKind,
    Message,
    new_reference,
)
from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.audit.log import log_action, snapshot
from trainingdesk.catalogue.models import CourseRun, Level
from trainingdesk.lib import events
from trainingdesk.lib.access import require_coordinator
from trainingdesk.lib.uploads import check_upload
from trainingdesk.notifications.services import send_email

# --- the evidence the rules judge ------------------------------------------------------------


def own_confirmation(participant: User, level: Level) -> AttendanceConfirmation | None:
    """The person's newest standing Attendance Confirmation of the level's prerequisite."""
    if level.prerequisite_id is None:
        return None
    return (AttendanceConfirmation.objects
            .filter(participant=participant, level_id=level.prerequisite_id, revoked_at__isnull=True)
            .order_by("-last_date").first())


def accepted_bodies(level: Level) -> tuple[str, ...]:
    """The codes of the professional bodies the level accepts, in their order."""
    return tuple(body.code for body in level.accepted_bodies.all())


def number_in_format(body_code: str, number: str) -> bool | None:
    """Whether the number is in the body's published format; None when it publishes none."""
    from trainingdesk.accounts.models import ProfessionalBody

    body = ProfessionalBody.objects.filter(code=body_code).first()
    if body is None or not body.number_pattern:
        return None
    return body.number_problem(number) is None


def reference_day(application: Application, today: dt.date) -> dt.date:
    """The run's first day when applied from a run, else today."""
    run = application.run
    first = run.first_day() if run is not None else None
    return first.date if first is not None else today


def evidence_of(application: Application, today: dt.date) -> rules.Evidence:
    confirmation = application.own_confirmation
    kinds = {e.kind for e in application.evidence.all()} if application.pk else set()
    body = application.registration_body or None
    return rules.Evidence(
        reference_day=reference_day(application, today),
        own_completed_on=confirmation.last_date if confirmation else None,
        external_completed_on=application.external_completed_on,
        external_evidence=EvidenceKind.PREREQUISITE in kinds,
        registration_body=body,
        registration_number_ok=(number_in_format(body, application.registration_number)
                                if body and application.registration_number else
                                (False if body else None)),
        covering_letter=bool(application.covering_letter.strip())
        or EvidenceKind.COVERING_LETTER in kinds,
    )


def findings_for(application: Application, today: dt.date) -> list[rules.Finding]:
    level = application.level
    return rules.assess(rules.AdmissionRules.of(level, accepted_bodies(level)),
                        evidence_of(application, today))


def _stored(findings: list[rules.Finding]) -> list[dict[str, str]]:
    return [{"rule": f.rule.value, "outcome": f.outcome.value, "message": f.message}
            for f in findings]


# --- drafts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    """What the applicant fills in; files are checked and stored separately."""

    external_provider: str = ""
    external_completed_on: dt.date | None = None
    registration_body: str = ""
    registration_number: str = ""
    covering_letter: str = ""


def _check_answers(answers: Answers, today: dt.date) -> Answers:
    """The answers, with the registration number written as its body writes it; refused with
    a message at each field that is wrong."""
    errors: dict[str, str] = {}
    completed = answers.external_completed_on
    if completed is not None:
        if completed > today:
            errors["external_completed_on"] = "The date you completed it cannot be in the future."
        elif completed < dt.date(2000, 1, 1):
            errors["external_completed_on"] = ("The date you completed it must be in 2000 or later, "
                                               "like 2023-06-23.")
        if not answers.external_provider.strip():
            errors["external_provider"] = "Enter who provided your Level 1 training."
    if answers.registration_number.strip() and not answers.registration_body:
        errors["registration_body"] = "Choose the body you are registered with."
    if answers.registration_body and answers.registration_number.strip():
        from trainingdesk.accounts.models import ProfessionalBody

        body = ProfessionalBody.objects.filter(code=answers.registration_body).first()
        if body is None:
            errors["registration_body"] = "Choose a body from the list."
        elif problem := body.number_problem(answers.registration_number):
            errors["registration_number"] = problem
        else:
            answers = Answers(**{**answers.__dict__,
                                 "registration_number": body.normalise_number(
                                     answers.registration_number)})
    if errors:
        raise ValidationError(errors)
    return answers


def start_application(*, participant: User, level: Level, run: CourseRun | None = None,
                      now: dt.datetime | None = None) -> Application:
    """The person's open application for the level, or a new draft with their own
    confirmation already found. A second open application for the same level is never made."""
    now = now or timezone.now()
    if not level.requires_approved_application:
        raise ValidationError(f"The {level.name} level needs no application.")
    existing = Application.objects.filter(participant=participant, level=level,
                                          status__in=OPEN).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            application = Application.objects.create(
                reference=new_reference(), participant=participant, level=level, run=run,
                own_confirmation=own_confirmation(participant, level), created_at=now,
            )
            log_action(participant, "admissions.application.started", application,
                       after=snapshot(application))
    except IntegrityError:  # two tabs at once: the database let one through
        return Application.objects.get(participant=participant, level=level, status__in=OPEN)
    return application


def _locked(application: Application) -> Application:
    return (Application.objects.select_for_update(of=("self",))
            .select_related("level__prerequisite", "run")
            .get(pk=application.pk))


def save_draft(*, application: Application, answers: Answers, actor: User,
               files: dict[str, UploadedFile] | None = None,
               now: dt.datetime | None = None) -> Application:
    """Keep what the applicant has filled in so far (and their files, each checked by its
    content before it is stored). Refused with field messages; nothing is half-saved."""
    now = now or timezone.now()
    if application.participant_id != actor.pk:
        raise ValidationError("This is not your application.")
    answers = _check_answers(answers, timezone.localdate(now))
    checked = {}
    for kind, upload in (files or {}).items():
        try:
            checked[kind] = check_upload(upload, name=upload.name or "file")
        except ValidationError as refused:  # said at the file's own field
            raise ValidationError({kind: refused.messages}) from refused
    with transaction.atomic():
        application = _locked(application)
        if not application.can_be_edited:
            raise ValidationError("This application has been sent: it can no longer be changed.")
        before = snapshot(application)
        for field, value in answers.__dict__.items():
            setattr(application, field, value.strip() if isinstance(value, str) else value)
        application.own_confirmation = own_confirmation(application.participant, application.level)
        application.save()
        for kind, upload in (files or {}).items():
            result = checked[kind]
            upload.seek(0)
            evidence = Evidence(application=application, kind=kind, original_name=result.name,
                                content_type=result.kind.content_type, size=result.size,
                                sha256=result.sha256, uploaded_at=now)
            evidence.file.save(result.name, upload, save=False)
            evidence.save()
            log_action(actor, "admissions.evidence.added", evidence, after=snapshot(evidence))
        log_action(actor, "admissions.application.saved", application, before=before,
                   after=snapshot(application))
        return application


# --- submitting and deciding -----------------------------------------------------------------


def submit(*, application: Application, actor: User, now: dt.datetime | None = None) -> Application:
    """Send the application. The rules judge it at once: refused when a rule is unmet, approved
    by the records where the level allows it and nothing needs a person, else it waits in the
    coordinator's queue. An answer to a request for more information goes back to the queue."""
    now = now or timezone.now()
    with transaction.atomic():
        application = _locked(application)
        if application.participant_id != actor.pk:
            raise ValidationError("This is not your application.")
        if not application.can_be_edited:
            raise ValidationError("This application has already been sent.")
        before = snapshot(application)
        findings = findings_for(application, timezone.localdate(now))
        application.findings = _stored(findings)
        application.submitted_at = application.submitted_at or now
        outcome = rules.verdict(findings)
        if outcome == rules.Verdict.REFUSE:
            _decide(application, ApplicationStatus.REFUSED, now=now, by=None, findings=findings,
                    reason=" ".join(f.message for f in findings
                                    if f.outcome == rules.Outcome.UNMET))
        elif outcome == rules.Verdict.APPROVE and application.level.approves_automatically:
            _decide(application, ApplicationStatus.APPROVED, now=now, by=None, findings=findings,
                    reason="Every requirement is met by our records.")
        else:
            application.status = ApplicationStatus.SUBMITTED
            application.save()
            send_email(to=[application.participant.email],
                       template="admissions/email/submitted.txt",
                       context={"application": application})
        log_action(actor, "admissions.application.submitted", application, before=before,
                   after=snapshot(application))
        return application


def _decide(application: Application, status: str, *, now: dt.datetime, by: User | None,
            findings: list[rules.Finding], reason: str) -> None:
    application.status = status
    application.decided_at = now
    application.decided_by = by
    application.decision_reason = reason
    confirmation = application.own_confirmation
    application.completed_on = (confirmation.last_date if confirmation
                                else application.external_completed_on)
    application.save()
    log_action(by, f"admissions.application.{status}", application, after=snapshot(application),
               reason=reason)
    events.emit(events.APPLICATION_DECIDED, {"application_id": application.pk})
    send_email(to=[application.participant.email], template=f"admissions/email/{status}.txt",
               context={"application": application, "findings": _stored(findings)})


def decide(*, application: Application, decision: str, reason: str, actor: User,
           now: dt.datetime | None = None) -> Application:
    """The coordinator approves, refuses (with a reason) or asks for more information (the
    question is the reason). Refused when someone else decided it a moment earlier."""
    require_coordinator(actor, "decide applications")
    now = now or timezone.now()
    reason = reason.strip()
    if decision not in ("approve", "refuse", "ask"):
        raise ValidationError({"decision": "Choose approve, refuse or ask for more information."})
    if decision in ("refuse", "ask") and not reason:
        raise ValidationError({"reason": "Say why it is refused: the applicant is told."
                               if decision == "refuse" else
                               "Write what you need to know: the applicant is asked it."})
    with transaction.atomic():
        application = _locked(application)
        if application.status != ApplicationStatus.SUBMITTED:
            raise ValidationError(
                f"This application is now “{application.get_status_display()}”: someone else "
                "has dealt with it. Nothing was changed.")
        findings = findings_for(application, timezone.localdate(now))
        application.findings = _stored(findings)
        if decision == "ask":
            before = snapshot(application)
            application.status = ApplicationStatus.MORE_INFORMATION
            application.save()
            Message.objects.create(application=application, author=actor, from_coordinator=True,
                                   text=reason, created_at=now)
            log_action(actor, "admissions.application.more_information_asked", application,
                       before=before, after=snapshot(application), reason=reason)
            send_email(to=[application.participant.email],
                       template="admissions/email/more_information.txt",
                       context={"application": application, "question": reason})
        else:
            status = ApplicationStatus.APPROVED if decision == "approve" else ApplicationStatus.REFUSED
            _decide(application, status, now=now, by=actor, findings=findings,
                    reason=reason or "Approved by the training coordinator.")
        return application


def answer(*, application: Application, text: str, actor: User,
           now: dt.datetime | None = None) -> Application:
    """The applicant's answer to a request for more information: kept in the application's
    thread, and the application goes back to the coordinator."""
    now = now or timezone.now()
    if not text.strip():
        raise ValidationError({"text": "Write your answer to the coordinator's question."})
    with transaction.atomic():
        locked = _locked(application)
        if locked.participant_id != actor.pk:
            raise ValidationError("This is not your application.")
        if locked.status != ApplicationStatus.MORE_INFORMATION:
            raise ValidationError("Nothing has been asked of this application.")
        Message.objects.create(application=locked, author=actor, from_coordinator=False,
                               text=text.strip(), created_at=now)
        log_action(actor, "admissions.application.answered", locked, reason=text.strip()[:300])
    return submit(application=locked, actor=actor, now=now)


# --- the booking gate ------------------------------------------------------------------------


def admission_refusal(participant: User, level: Level, run: CourseRun | None = None,
                      *, today: dt.date | None = None) -> str | None:
    """Why this person may not book this level (None when they may): an approved application
    whose prerequisite still falls in the window counted back from the run's first day."""
    if not level.requires_approved_application:
        return None
    approvals = list(Application.objects.approved().filter(participant=participant, level=level)
                     .order_by("-decided_at"))
    first = run.first_day() if run is not None else None
    day = first.date if first is not None else (today or timezone.localdate())
    level_rules = rules.AdmissionRules.of(level, accepted_bodies(level))
    if any(rules.valid_for(level_rules, a.completed_on, day) for a in approvals):
        return None
    if approvals:
        return (f"Your approval for the {level.name} level does not cover this run: its "
                f"prerequisite must fall within the window before the run's first day. Apply again.")
    open_one = Application.objects.filter(participant=participant, level=level,
                                          status__in=OPEN).first()
    if open_one is not None and open_one.status != ApplicationStatus.DRAFT:
        return (f"Places on the {level.name} level need an approved application: yours "
                f"({open_one.reference}) is {open_one.get_status_display().lower()}.")
    return (f"Places on the {level.name} level need an approved application first. "
            "Apply for the level, and book once your application is approved.")


# --- levels done elsewhere --------------------------------------------------------------------


def equivalents_accepted(participant_ids: Iterable[int], levels: Iterable[Level]
                         ) -> dict[tuple[int, int], Application]:
    """The levels among `levels` that these participants did with another provider and the
    coordinator accepted as equivalent: an approved application to the next level, made on the
    evidence of that training (the brochure's "equivalent Level 1 training with a different
    provider"). By (participant id, the level done elsewhere's id); one query."""
    accepted: dict[tuple[int, int], Application] = {}
    for application in (Application.objects
                        .filter(participant_id__in=list(participant_ids),
                                level__prerequisite__in=list(levels),
                                status=ApplicationStatus.APPROVED,
                                external_completed_on__isnull=False)
                        .exclude(external_provider="")
                        .select_related("level").order_by("decided_at", "pk")):
        assert application.level.prerequisite_id is not None  # the filter above
        accepted[(application.participant_id, application.level.prerequisite_id)] = application
    return accepted


# --- retention -------------------------------------------------------------------------------


def delete_old_evidence(*, now: dt.datetime) -> int:
    """Delete the files of applications decided (or withdrawn) longer ago than the retention
    period; the rows stay, saying the file was deleted. Run by the periodic command."""
    cutoff = now - dt.timedelta(days=settings.ADMISSIONS_EVIDENCE_KEEP_DAYS)
    old = list(Evidence.objects.filter(application__decided_at__lt=cutoff).exclude(file=""))
    for evidence in old:
        evidence.file.delete(save=False)
    Evidence.objects.filter(pk__in=[e.pk for e in old]).update(file="")
    if old:
        log_action(None, "admissions.evidence.deleted", None,
                   after={"evidence": [e.pk for e in old]},
                   reason=f"Kept {settings.ADMISSIONS_EVIDENCE_KEEP_DAYS} days after the decision")
    return len(old)

