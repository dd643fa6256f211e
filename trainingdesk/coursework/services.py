"""The coursework's workflows: opening a portfolio, keeping drafts, submitting (and invoicing
the fee), allocating markers, marking and moderating, extensions. Each is one atomic function
that checks who acts, locks what two requests could change at once, writes, audits with
`log_action` and emails after commit. Nothing else writes this app's rows.

The rules applied are `coursework.rules`' (word limits, the deadline, what stops a submission);
the numbers are the level's configuration.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from trainingdesk.accounts.models import Role, User
from trainingdesk.admissions.models import Application
from trainingdesk.admissions.services import equivalents_accepted
from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.audit.log import log_action, snapshot
from trainingdesk.bookings.models import Booking, Payer
from trainingdesk.catalogue.models import (
    ComponentKind,
    CourseRun,
    CourseworkComponent,
    Fee,
    Level,
    Programme,
    VatTable,
)
from trainingdesk.coursework import events, rules
from trainingdesk.coursework.models import (
    Extension,
    MarkerRole,
    Marking,
    Outcome,
    PartMark,
    Piece,
    Portfolio,
    PortfolioStatus,
    Submission,
    SubmittedPiece,
)
from trainingdesk.invoicing import services as invoicing
from trainingdesk.invoicing.models import Invoice
from trainingdesk.lib.access import require_coordinator
from trainingdesk.lib.files import private_storage
from trainingdesk.lib.uploads import Kind, check_upload
from trainingdesk.lib.wordcount import NO_TEXT, count_docx, count_pdf, count_words
from trainingdesk.notifications.services import send_email
from trainingdesk.supervision.models import Allocation

COURSEWORK_KINDS = frozenset({Kind.PDF, Kind.DOCX})
MAX_TEXT = 100_000  # characters written in the page for one part (a 2000-word case study is ~13,000)


# --- opening ---------------------------------------------------------------------------------


def levels_required(level: Level) -> list[Level]:
    """The levels whose Attendance Confirmations open this level's portfolio: the level itself
    and the programme's certificate levels before it (Foundation, for the Advanced level)."""
    required = [other for other in level.programme.certificate_levels.all()
                if other.pk != level.pk
                and (other.position < level.position or other.pk == level.prerequisite_id)]
    return [*sorted(required, key=lambda other: other.position), level]


def confirmations_held(participant: User, levels: Sequence[Level]) -> dict[int, AttendanceConfirmation]:
    """The person's newest standing confirmation of each of these levels, by level id."""
    held: dict[int, AttendanceConfirmation] = {}
    for confirmation in (AttendanceConfirmation.objects
                         .filter(participant=participant, level__in=levels, revoked_at__isnull=True)
                         .order_by("last_date")):
        held[confirmation.level_id] = confirmation
    return held


def done_elsewhere(programme: Programme, participant_ids: Sequence[int], levels: Sequence[Level]
                   ) -> dict[tuple[int, int], Application]:
    """The programme's levels these people did with another provider that count towards its
    certificate, where the programme lets them (`admissions.services.equivalents_accepted`), by
    (participant id, level id), with the application that accepted each; one query."""
    if not programme.certificate_accepts_equivalent_levels or not participant_ids or not levels:
        return {}
    return equivalents_accepted(participant_ids, levels)


def missing_to_open(participant: User, level: Level) -> list[str]:
    """Why the portfolio cannot open yet: the confirmations still to earn; empty when it can. A
    level before this one done elsewhere and accepted as equivalent counts (`done_elsewhere`)."""
    levels = levels_required(level)
    held = set(confirmations_held(participant, levels))
    held |= {level_id for _person, level_id
             in done_elsewhere(level.programme, [participant.pk], levels[:-1])}
    return [_("The %(level)s Level's Attendance Confirmation.") % {"level": required.name}
            for required in levels if required.pk not in held]


def open_portfolio(*, participant: User, level: Level, now: dt.datetime | None = None) -> Portfolio:
    """The person's portfolio for the level, opened now if they hold the confirmations it
    needs; ValidationError saying what is missing otherwise. Idempotent: two calls at once open
    one (the unique constraint), and an open portfolio is returned as it is."""
    now = now or timezone.now()
    existing = Portfolio.objects.filter(participant=participant, level=level).first()
    if existing is not None:
        return existing
    if not level.coursework.exists() or not level.coursework_due_months:
        raise ValidationError(_("The %(level)s Level has no coursework.") % {"level": level.name})
    if missing := missing_to_open(participant, level):
        raise ValidationError(missing)
    completed_on = confirmations_held(participant, [level])[level.pk].last_date
    try:
        with transaction.atomic():
            portfolio = Portfolio.objects.create(participant=participant, level=level,
                                                 completed_on=completed_on, opened_at=now)
            log_action(None, "coursework.portfolio.opened", portfolio, after=snapshot(portfolio))
    except IntegrityError:  # opened by a request at the same moment
        return Portfolio.objects.get(participant=participant, level=level)
    return portfolio


def open_due_portfolios(*, now: dt.datetime) -> int:
    """Periodic: open the portfolio of everyone who holds the confirmations a level with
    coursework needs and has none yet, so that their deadline reminders reach them. A fixed
    number of queries to find them; one insert each."""
    levels = list(Level.objects.filter(coursework__isnull=False, coursework_due_months__isnull=False)
                  .distinct().select_related("programme").prefetch_related("programme__certificate_levels"))
    opened = 0
    for level in levels:
        required = levels_required(level)
        holders = (AttendanceConfirmation.objects
                   .filter(level=level, revoked_at__isnull=True)
                   .exclude(participant__portfolios__level=level)
                   .values_list("participant_id", flat=True).distinct())
        candidates = set(holders)
        for other in required[:-1]:
            candidates &= set(AttendanceConfirmation.objects
                              .filter(level=other, revoked_at__isnull=True,
                                      participant_id__in=candidates)
                              .values_list("participant_id", flat=True)) | {
                person for person, _level in done_elsewhere(level.programme, sorted(candidates),
                                                            [other])}
        for participant in User.objects.filter(pk__in=candidates):
            try:
                open_portfolio(participant=participant, level=level, now=now)
            except ValidationError:
                continue
            opened += 1
    return opened


# --- the deadline ----------------------------------------------------------------------------


def due_date(portfolio: Portfolio) -> dt.date:
    """The last day to submit: while referred, the resubmission date; otherwise the level's
    window from its last day. Either is later by the extensions granted for it (prefetch
    `extensions`)."""
    extensions = list(portfolio.extensions.all())
    if portfolio.status == PortfolioStatus.REFERRED and portfolio.resubmit_by is not None:
        weeks = portfolio.level.coursework_resubmission_weeks
        referred_on = portfolio.resubmit_by - dt.timedelta(weeks=weeks)
        days = tuple(extension.days for extension in extensions
                     if timezone.localdate(extension.granted_at) >= referred_on)
        return portfolio.resubmit_by + dt.timedelta(days=sum(days))
    return rules.deadline(portfolio.completed_on, months=portfolio.level.coursework_due_months or 0,
                          extensions_days=tuple(extension.days for extension in extensions))


# --- the parts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One part of the portfolio as the page shows it: its component and number, its draft
    (if any), its word limit, whether it may be changed now, and the feedback it was referred
    with."""

    component: CourseworkComponent
    number: int
    draft: Piece | None
    limit: rules.WordLimit | None
    editable: bool
    referred_feedback: str = ""

    @property
    def title(self) -> str:
        if self.component.quantity > 1:
            return f"{self.component.title} {self.number}"
        return self.component.title

    @property
    def key(self) -> tuple[int, int]:
        return self.component.pk, self.number

    @property
    def is_present(self) -> bool:
        return self.draft is not None and self.draft.is_present

    @property
    def words_problem(self) -> str | None:
        if self.limit is None or self.draft is None or self.draft.words is None or not self.is_present:
            return None
        return self.limit.problem(self.draft.words)


def final_marking(submission: Submission) -> Marking | None:
    """The marking that decided the submission: the moderator's where moderated (prefetch
    `markings__parts`)."""
    markings = {marking.role: marking for marking in submission.markings.all()}
    return markings.get(MarkerRole.MODERATOR) or markings.get(MarkerRole.ASSESSOR)


def last_submission(portfolio: Portfolio) -> Submission | None:
    return (portfolio.submissions.order_by("-attempt")
            .prefetch_related("markings__parts__piece", "pieces").first())


def referred_parts(submission: Submission | None) -> dict[tuple[int, int], str]:
    """The parts the decided submission referred, with their feedback."""
    if submission is None or submission.outcome != Outcome.REFER:
        return {}
    marking = final_marking(submission)
    if marking is None:
        return {}
    return {(mark.piece.component_id, mark.piece.number): mark.feedback
            for mark in marking.parts.all() if mark.outcome == Outcome.REFER}


def parts_of(portfolio: Portfolio) -> list[Part]:
    """Every part the level's coursework asks for, with its draft: three queries."""
    components = list(portfolio.level.coursework.all())
    drafts = {(piece.component_id, piece.number): piece
              for piece in portfolio.pieces.all()}
    referred = (referred_parts(last_submission(portfolio))
                if portfolio.status == PortfolioStatus.REFERRED else {})
    tolerance = portfolio.level.coursework_word_tolerance_percent
    parts = []
    for component in components:
        for number in range(1, component.quantity + 1):
            key = (component.pk, number)
            editable = (portfolio.status == PortfolioStatus.OPEN
                        or (portfolio.status == PortfolioStatus.REFERRED and key in referred))
            limit = rules.WordLimit(component.words, tolerance) if component.words else None
            parts.append(Part(component, number, drafts.get(key), limit, editable,
                              referred.get(key, "")))
    return parts


def submission_problems(portfolio: Portfolio, parts: list[Part], today: dt.date) -> list[str]:
    """Every reason the portfolio cannot be submitted today; empty when it can."""
    if not portfolio.is_editable:
        return [_("This coursework has been submitted.")]
    checked = [part for part in parts if part.editable]
    components = [rules.Component(part.title, part.is_present,
                                  part.draft.words if part.draft is not None else None, part.limit)
                  for part in checked]
    return rules.submission_problems(components, today=today, due=due_date(portfolio))


# --- drafts ----------------------------------------------------------------------------------


def _locked(portfolio: Portfolio) -> Portfolio:
    return Portfolio.objects.select_for_update(of=("self",)).select_related(
        "level", "level__programme").get(pk=portfolio.pk)


def _editable_part(portfolio: Portfolio, component: CourseworkComponent, number: int,
                   actor: User) -> Part:
    if actor.pk != portfolio.participant_id:
        raise PermissionDenied
    for part in parts_of(portfolio):
        if part.component.pk == component.pk and part.number == number:
            if not part.editable:
                raise ValidationError(_("%(part)s cannot be changed now: it has been submitted.")
                                      % {"part": part.title})
            return part
    raise ValidationError(_("This coursework has no such part."))


@dataclass(frozen=True)
class Counted:
    words: int
    notes_words: int


def count_upload(upload: UploadedFile) -> tuple[Counted, str, Kind]:
    """Check an uploaded case study or log (DOCX or PDF, through the same check as admissions
    evidence: a ZIP checked before parsing, no macros, no bombs; a PDF with text) and count its
    words as Word counts them. ValidationError with the message to show, otherwise."""
    checked = check_upload(upload, name=upload.name or "", allowed=COURSEWORK_KINDS)
    if checked.kind is Kind.PDF and not checked.has_text:
        raise ValidationError(NO_TEXT, code="no_text")
    data = upload.read()
    upload.seek(0)
    count = count_docx(data) if checked.kind is Kind.DOCX else count_pdf(data)
    if count.total == 0:
        raise ValidationError(NO_TEXT, code="no_text")
    return Counted(count.total, count.footnotes + count.endnotes), checked.name, checked.kind


def save_draft(*, portfolio: Portfolio, component: CourseworkComponent, number: int, actor: User,
               text: str | None = None, upload: UploadedFile | None = None,
               now: dt.datetime | None = None) -> Piece:
    """Keep a part's draft: a file uploaded, or text written in the page (one replaces the
    other). The file is checked and counted before anything is written: a refused file leaves
    the draft as it was."""
    now = now or timezone.now()
    if component.kind != ComponentKind.WRITTEN:
        raise ValidationError(_("This part is a reading list: confirm it instead."))
    if (upload is None) == (text is None):
        raise ValidationError(_("Upload a file or write the text."))
    if upload is not None:
        counted, file_name, _kind = count_upload(upload)
    else:
        assert text is not None
        text = text.strip()
        if not text:
            raise ValidationError(_("Write the text, or upload a file."))
        if len(text) > MAX_TEXT:
            raise ValidationError(_("The text is longer than %(limit)s characters: upload it as a "
                                    "file instead.") % {"limit": f"{MAX_TEXT:,}"})
        counted, file_name = Counted(count_words(text), 0), ""
    stored = ""
    try:
        with transaction.atomic():
            portfolio = _locked(portfolio)
            _editable_part(portfolio, component, number, actor)
            piece = Piece.objects.filter(portfolio=portfolio, component=component, number=number).first()
            before = snapshot(piece) if piece is not None else None
            old_file = piece.file.name if piece is not None and piece.file else ""
            if piece is None:
                piece = Piece(portfolio=portfolio, component=component, number=number)
            piece.text = text or ""
            piece.file_name = file_name
            piece.words, piece.notes_words = counted.words, counted.notes_words
            piece.updated_at = now
            piece.confirmed_at = None
            if upload is not None:
                piece.file.save(file_name, upload, save=False)
                stored = piece.file.name or ""
            else:
                piece.file = ""  # type: ignore[assignment]
            piece.save()
            log_action(actor, "coursework.draft.saved", piece, before=before,
                       after={"part": piece.title, "words": piece.words, "file": file_name})
            if old_file:
                transaction.on_commit(lambda: _delete_if_unused(old_file))
    except Exception:
        # Nothing was saved: neither is the file (the draft keeps the one it had).
        if stored:
            private_storage().delete(stored)
        raise
    return piece


def _delete_if_unused(name: str) -> None:
    """Delete a replaced draft's file unless a submission still holds it."""
    if not SubmittedPiece.objects.filter(file=name).exists() and not Piece.objects.filter(file=name).exists():
        private_storage().delete(name)


def confirm_reading(*, portfolio: Portfolio, component: CourseworkComponent, actor: User,
                    now: dt.datetime | None = None) -> Piece:
    """The participant confirms having read the level's required reading."""
    now = now or timezone.now()
    if component.kind != ComponentKind.READING:
        raise ValidationError(_("This part is not a reading list."))
    with transaction.atomic():
        portfolio = _locked(portfolio)
        _editable_part(portfolio, component, 1, actor)
        piece, _created = Piece.objects.update_or_create(
            portfolio=portfolio, component=component, number=1,
            defaults={"confirmed_at": now, "updated_at": now, "text": "", "file": ""})
        log_action(actor, "coursework.reading.confirmed", piece, after={"part": piece.title})
    return piece


# --- submission ------------------------------------------------------------------------------


def the_booking(portfolio: Portfolio) -> Booking | None:
    """The booking behind the level's confirmation: who paid for the training."""
    confirmation = (AttendanceConfirmation.objects
                    .filter(participant_id=portfolio.participant_id, level_id=portfolio.level_id,
                            revoked_at__isnull=True)
                    .select_related("booking__organisation").order_by("-last_date").first())
    return confirmation.booking if confirmation is not None else None


def employer_of(portfolio: Portfolio) -> Booking | None:
    """The booking whose employer paid for the level, if one did: it may pay the fee too."""
    booking = the_booking(portfolio)
    if booking is not None and booking.payer == Payer.EMPLOYER and booking.organisation_id:
        return booking
    return None


def fee_for(portfolio: Portfolio, attempt: int) -> Fee | None:
    """The first submission is charged the level's assessment fee; a resubmission only the
    resubmission fee, when the level has one."""
    return portfolio.level.assessment_fee if attempt == 1 else portfolio.level.resubmission_fee


def _customer(portfolio: Portfolio, payer: str, purchase_order: str) -> invoicing.Customer:
    participant = portfolio.participant
    booking = the_booking(portfolio)
    if payer == Payer.EMPLOYER:
        employer = employer_of(portfolio)
        if employer is None:
            raise ValidationError(_("No employer paid for your training: the fee is invoiced to you."))
        return invoicing.Customer(
            name=employer.billing_name,
            address="\n".join(filter(None, [employer.billing_address, employer.billing_postcode])),
            email=employer.invoice_email, purchase_order=purchase_order,
            organisation_id=employer.organisation_id)
    own = booking is not None and booking.payer == Payer.SELF
    return invoicing.Customer(
        name=participant.full_name,
        address="\n".join(filter(None, [booking.billing_address, booking.billing_postcode]))
        if own and booking is not None else "",
        email=participant.email, purchase_order=purchase_order, person_id=participant.pk)


def _invoice_fee(portfolio: Portfolio, submission: Submission, fee: Fee, *, payer: str,
                 purchase_order: str, actor: User, now: dt.datetime) -> Invoice:
    today = timezone.localdate(now)
    amount = fee.price(VatTable.load(), today)
    description = (f"{fee.name}: {portfolio.level.programme.name}, {portfolio.level} coursework"
                   f"{'' if submission.attempt == 1 else f' (resubmission {submission.attempt - 1})'}. "
                   f"Participant: {portfolio.participant.full_name}.")
    return invoicing.issue_invoice(
        supplier=portfolio.level.programme.provider,
        customer=_customer(portfolio, payer, purchase_order),
        lines=[invoicing.Line(description, amount)], now=now, participant=portfolio.participant,
        actor=actor)


def submit(*, portfolio: Portfolio, actor: User, payer: str = Payer.SELF, purchase_order: str = "",
           now: dt.datetime | None = None) -> Submission:
    """Submit the portfolio: every part there and within its limits, before the deadline (or
    an extension). What is submitted is copied and frozen; the fee (the first time, or a
    resubmission fee where the level has one) is invoiced in the same transaction, so nobody
    who never submits is charged and nobody is charged twice: the portfolio row is locked, and
    a second submission (another tab) finds it submitted."""
    now = now or timezone.now()
    with transaction.atomic():
        portfolio = _locked(portfolio)
        if actor.pk != portfolio.participant_id:
            raise PermissionDenied
        if portfolio.status == PortfolioStatus.SUBMITTED:
            raise ValidationError(_("This coursework has already been submitted."))
        if portfolio.status == PortfolioStatus.PASSED:
            raise ValidationError(_("This coursework has passed."))
        parts = parts_of(portfolio)
        if problems := submission_problems(portfolio, parts, timezone.localdate(now)):
            raise ValidationError(problems)
        previous = last_submission(portfolio)
        attempt = previous.attempt + 1 if previous is not None else 1
        submission = Submission.objects.create(
            portfolio=portfolio, attempt=attempt, submitted_at=now, submitted_by=actor,
            anonymous=portfolio.level.coursework_anonymous_marking)
        carried = {(piece.component_id, piece.number): piece
                   for piece in (previous.pieces.all() if previous is not None else [])}
        copies = []
        for part in parts:
            source = part.draft if part.editable else carried.get(part.key)
            if source is None:
                continue
            copies.append(SubmittedPiece(
                submission=submission, component=part.component, number=part.number,
                text=source.text, file=source.file.name, file_name=source.file_name,
                words=source.words, notes_words=source.notes_words, confirmed_at=source.confirmed_at,
                carried_over=not part.editable))
        SubmittedPiece.objects.bulk_create(copies)
        fee = fee_for(portfolio, attempt)
        if fee is not None:
            submission.invoice = _invoice_fee(portfolio, submission, fee, payer=payer,
                                              purchase_order=purchase_order, actor=actor, now=now)
            submission.save(update_fields=["invoice"])
        before = snapshot(portfolio)
        portfolio.status, portfolio.resubmit_by = PortfolioStatus.SUBMITTED, None
        portfolio.save(update_fields=["status", "resubmit_by"])
        log_action(actor, "coursework.submitted", portfolio, before=before, after={
            "status": portfolio.status, "attempt": attempt,
            "invoice": submission.invoice.number if submission.invoice else ""})
        send_email(to=[portfolio.participant.email], template="coursework/email/submitted.txt",
                   context={"portfolio": portfolio, "submission": submission,
                            "parts": [piece.title for piece in copies],
                            "invoice": submission.invoice},
                   attachments=[{"kind": "invoice", "id": submission.invoice.pk}]
                   if submission.invoice else None)
    return submission


# --- allocation: assessor and moderator ------------------------------------------------------


def conflict_of_interest(person: User, portfolio: Portfolio) -> str | None:
    """Why `person` may not mark this portfolio: they are the participant, or were their
    trainer or supervisor at the portfolio's level. None when they may."""
    if person.pk == portfolio.participant_id:
        return _("%(name)s is the participant.") % {"name": person.full_name}
    if CourseRun.objects.filter(level_id=portfolio.level_id, trainers=person,
                                bookings__participant_id=portfolio.participant_id).exists():
        return _("%(name)s was the participant's trainer at the %(level)s Level.") % {
            "name": person.full_name, "level": portfolio.level.name}
    if Allocation.objects.filter(group__level_id=portfolio.level_id, group__supervisor__user=person,
                                 booking__participant_id=portfolio.participant_id).exists():
        return _("%(name)s is the participant's supervisor at the %(level)s Level.") % {
            "name": person.full_name, "level": portfolio.level.name}
    return None


def markers() -> QuerySet[User]:
    """Everyone who may be allocated to mark: assessors."""
    return User.objects.filter(is_active=True, groups__name=Role.ASSESSOR).distinct().order_by("full_name")


def _check_marker(person: User, portfolio: Portfolio, role: str) -> None:
    if not person.is_active or not person.has_role(Role.ASSESSOR):
        raise ValidationError({role: _("%(name)s is not an assessor.") % {"name": person.full_name}})
    if problem := conflict_of_interest(person, portfolio):
        raise ValidationError({role: _("Conflict of interest: %(problem)s") % {"problem": problem}})


def allocate_markers(*, submission: Submission, assessor: User, moderator: User | None, actor: User,
                     now: dt.datetime | None = None) -> Submission:
    """The coordinator allocates an assessor (and, for second marking, a moderator): neither
    may have trained or supervised the participant at that level; the moderator is someone
    else. A marker who has already marked is kept."""
    require_coordinator(actor, "allocate markers")
    now = now or timezone.now()
    with transaction.atomic():
        submission = (Submission.objects.select_for_update(of=("self",))
                      .select_related("portfolio__participant", "portfolio__level").get(pk=submission.pk))
        if submission.outcome:
            raise ValidationError(_("This submission has been decided."))
        portfolio = submission.portfolio
        marked = set(submission.markings.values_list("role", flat=True))
        if MarkerRole.ASSESSOR in marked and submission.assessor_id != assessor.pk:
            raise ValidationError({"assessor": _("The assessor has marked it already.")})
        _check_marker(assessor, portfolio, "assessor")
        if moderator is not None:
            if moderator.pk == assessor.pk:
                raise ValidationError({"moderator": _("The moderator must be someone other than "
                                                      "the assessor.")})
            _check_marker(moderator, portfolio, "moderator")
        before = snapshot(submission)
        newly = {person for person in (assessor, moderator) if person is not None} - {
            submission.assessor, submission.moderator}
        submission.assessor, submission.moderator, submission.allocated_at = assessor, moderator, now
        submission.save(update_fields=["assessor", "moderator", "allocated_at"])
        log_action(actor, "coursework.markers.allocated", submission, before=before,
                   after=snapshot(submission))
        for person in newly:
            send_email(to=[person.email], template="coursework/email/allocated.txt",
                       context={"person": person, "submission": submission,
                                "candidate": candidate_name(submission),
                                "role": "moderator" if person == moderator else "assessor"})
    return submission


def candidate_name(submission: Submission) -> str:
    """How markers name the candidate: the candidate number when marking is anonymous."""
    portfolio = submission.portfolio
    if submission.anonymous:
        return portfolio.candidate_number
    return f"{portfolio.participant.full_name} ({portfolio.candidate_number})"


# --- marking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartDecision:
    piece_id: int
    outcome: str
    feedback: str


def role_of(person: User, submission: Submission) -> str | None:
    if person.pk == submission.assessor_id:
        return MarkerRole.ASSESSOR
    if person.pk == submission.moderator_id:
        return MarkerRole.MODERATOR
    return None


def record_marking(*, submission: Submission, actor: User, outcome: str, feedback: str,
                   parts: Sequence[PartDecision], now: dt.datetime | None = None) -> Marking:
    """The assessor's marking (and then the moderator's, where allocated): pass or refer for
    each submitted part, with feedback for each referred one, and an overall outcome that agrees
    with them. The last marking decides: the portfolio passes (the certificate follows) or is
    referred, returned for the referred parts within the level's weeks. Audited; emailed."""
    now = now or timezone.now()
    with transaction.atomic():
        submission = (Submission.objects.select_for_update(of=("self",))
                      .select_related("portfolio__participant", "portfolio__level__programme")
                      .get(pk=submission.pk))
        role = role_of(actor, submission)
        if role is None:
            raise PermissionDenied
        if submission.outcome:
            raise ValidationError(_("This submission has been decided."))
        done = {marking.role: marking for marking in submission.markings.prefetch_related("parts")}
        if role in done:
            raise ValidationError(_("You have marked this submission already."))
        if role == MarkerRole.MODERATOR and MarkerRole.ASSESSOR not in done:
            raise ValidationError(_("The assessor has not marked it yet: moderate it once they have."))
        marked = {piece.pk: piece for piece in submission.pieces.select_related("component")
                  if not piece.carried_over}
        decisions = _checked_decisions(marked, outcome, feedback, parts)
        disagrees = False
        if role == MarkerRole.MODERATOR:
            first = done[MarkerRole.ASSESSOR]
            theirs = {mark.piece_id: mark.outcome for mark in first.parts.all()}
            disagrees = first.outcome != outcome or any(
                theirs.get(decision.piece_id) != decision.outcome for decision in decisions)
        marking = Marking.objects.create(submission=submission, role=role, marker=actor,
                                         outcome=outcome, feedback=feedback.strip(),
                                         disagrees=disagrees, decided_at=now)
        PartMark.objects.bulk_create(PartMark(marking=marking, piece_id=decision.piece_id,
                                              outcome=decision.outcome, feedback=decision.feedback)
                                     for decision in decisions)
        log_action(actor, f"coursework.{role}.marked", submission, after={
            "outcome": outcome, "disagrees": disagrees,
            "parts": {marked[d.piece_id].title: d.outcome for d in decisions}})
        if role == MarkerRole.ASSESSOR and submission.moderator is not None:
            send_email(to=[submission.moderator.email], template="coursework/email/to_moderate.txt",
                       context={"submission": submission, "candidate": candidate_name(submission)})
        else:
            _decide(submission, marking, actor=actor, now=now)
    return marking


def _checked_decisions(marked: dict[int, SubmittedPiece], outcome: str, feedback: str,
                       parts: Sequence[PartDecision]) -> list[PartDecision]:
    errors: dict[str, list[str]] = defaultdict(list)
    given = {decision.piece_id: decision for decision in parts}
    decisions = []
    for piece_id, piece in marked.items():
        decision = given.get(piece_id)
        if decision is None or decision.outcome not in Outcome.values:
            errors[f"part_{piece_id}"].append(_("Choose pass or refer for %(part)s.") % {"part": piece.title})
            continue
        clean = PartDecision(piece_id, decision.outcome, decision.feedback.strip())
        if clean.outcome == Outcome.REFER and not clean.feedback:
            errors[f"feedback_{piece_id}"].append(
                _("Give feedback for %(part)s: it is referred.") % {"part": piece.title})
        decisions.append(clean)
    if outcome not in Outcome.values:
        errors["outcome"].append(_("Choose the overall outcome."))
    elif decisions and not errors:
        referred = [marked[d.piece_id].title for d in decisions if d.outcome == Outcome.REFER]
        if outcome == Outcome.PASS and referred:
            errors["outcome"].append(_("The overall outcome is pass, but %(parts)s referred.") % {
                "parts": ", ".join(referred) + (" is" if len(referred) == 1 else " are")})
        if outcome == Outcome.REFER and not referred:
            errors["outcome"].append(_("The overall outcome is refer: refer the parts to resubmit."))
    if outcome == Outcome.REFER and not feedback.strip():
        errors["feedback"].append(_("Give overall feedback: the portfolio is referred."))
    if errors:
        raise ValidationError(dict(errors))
    return decisions


def _decide(submission: Submission, marking: Marking, *, actor: User, now: dt.datetime) -> None:
    portfolio = submission.portfolio
    before = snapshot(portfolio)
    submission.outcome, submission.decided_at = marking.outcome, now
    submission.save(update_fields=["outcome", "decided_at"])
    if marking.outcome == Outcome.PASS:
        portfolio.status, portfolio.passed_at = PortfolioStatus.PASSED, now
        portfolio.save(update_fields=["status", "passed_at"])
        events.portfolio_passed(portfolio.pk)
    else:
        portfolio.status = PortfolioStatus.REFERRED
        portfolio.resubmit_by = (timezone.localdate(now)
                                 + dt.timedelta(weeks=portfolio.level.coursework_resubmission_weeks))
        portfolio.save(update_fields=["status", "resubmit_by"])
    log_action(actor, f"coursework.{marking.outcome}", portfolio, before=before,
               after=snapshot(portfolio))
    fee = fee_for(portfolio, submission.attempt + 1)
    send_email(to=[portfolio.participant.email], template="coursework/email/decided.txt",
               context={"portfolio": portfolio, "submission": submission, "marking": marking,
                        "parts": [(mark.piece.title, mark.get_outcome_display(), mark.feedback)
                                  for mark in marking.parts.select_related("piece__component")],
                        "resubmission_fee": fee.gross_amount if fee is not None else None})


# --- extensions ------------------------------------------------------------------------------


def grant_extension(*, portfolio: Portfolio, days: int, reason: str, actor: User,
                    now: dt.datetime | None = None) -> Extension:
    """More time to submit, with a reason; audited, and the participant told the new date."""
    require_coordinator(actor, "grant an extension")
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    if not 1 <= days <= 366:
        raise ValidationError({"days": _("An extension is 1 to 366 days.")})
    with transaction.atomic():
        portfolio = _locked(portfolio)
        if not portfolio.is_editable:
            raise ValidationError(_("Only coursework not yet submitted can be given more time."))
        was = due_date(portfolio)
        extension = Extension.objects.create(portfolio=portfolio, days=days, reason=reason,
                                             granted_by=actor, granted_at=now)
        due = due_date(portfolio)
        log_action(actor, "coursework.extension.granted", portfolio, reason=reason,
                   before={"due": was.isoformat()}, after={"due": due.isoformat(), "days": days})
        send_email(to=[portfolio.participant.email], template="coursework/email/extension.txt",
                   context={"portfolio": portfolio, "due": due, "days": days})
    return extension


# --- what each person may see ----------------------------------------------------------------


def submissions_to_mark(person: User) -> list[Submission]:
    """The submissions allocated to this person to assess or moderate, newest first."""
    return list(Submission.objects.filter(Q(assessor=person) | Q(moderator=person))
                .select_related("portfolio__participant", "portfolio__level")
                .prefetch_related("markings").order_by("-submitted_at"))
