"""A person's data rights: a copy of everything held about them (`export_person`), erasure
(`request_erasure`, `refuse_erasure`, `erase_person`), and the retention schedule
(`apply_retention`, run every minute by the periodic command).

Where a person's data lives (read from every app's models):

- accounts.User: name, email, job role, sector, organisation, country, time zones, last sign-in;
  ProfessionalRegistration (body and number); CalendarFeed and PublishedCalendarEntry (tokens'
  hashes, what their calendar published); sessions; axes' sign-in attempts (the email typed).
- bookings.Booking: billing name, address, postcode, invoice email, purchase order, the reason
  for cancelling; the price chosen.
- invoicing.Invoice / InvoiceLine / Payment: the customer's name, address and email, the
  participant's name (also in the lines' descriptions), payments' references.
- attendance: AttendanceMark, MakeUpDay (no text of theirs); AttendanceConfirmation (holder_name).
- admissions: Application (registration, covering letter, external provider, findings, the
  coordinator's reason), Evidence (their files, original names), Message (both sides' text).
- supervision: Allocation and SessionMark (presence), OwnSupervisor (a third person's name,
  accreditation and contact, given by the participant).
- coursework: Portfolio (candidate number), Extension (the reason: often health), Piece and
  SubmittedPiece (their writing: text and files), Submission, Marking and PartMark (feedback).
- certificates.Certificate: holder_name, and the signed Open Badges credential naming them.
- notifications.Email: the addresses it went to, the frozen context, the subject and body
  (which name them, and name them in emails to the coordinator too).
- audit.AuditEntry: snapshots before and after every change to their rows, the record's name.
- api.ApiToken and IdempotencyRecord (the answers kept, which may hold their data).
- webhooks: deliveries carry ids, references and times only (webhooks.payloads), no names.
- privacy.ErasureRequest: that they asked, nothing more.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Max, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from trainingdesk.accounts.models import ProfessionalRegistration, User
from trainingdesk.admissions.models import OPEN, Application, ApplicationStatus, Evidence, Message
from trainingdesk.api.models import ApiToken, IdempotencyRecord
from trainingdesk.attendance.documents import confirmation_pdf
from trainingdesk.attendance.models import AttendanceConfirmation, AttendanceMark
from trainingdesk.audit.log import _jsonable, log_action, snapshot
from trainingdesk.audit.models import AuditEntry
from trainingdesk.bookings.models import ACTIVE, Booking
from trainingdesk.certificates.documents import certificate_pdf
from trainingdesk.certificates.models import Certificate
from trainingdesk.coursework.models import (
    Extension,
    Marking,
    PartMark,
    Piece,
    Portfolio,
    PortfolioStatus,
    SubmittedPiece,
)
from trainingdesk.invoicing.documents import invoice_pdf
from trainingdesk.invoicing.models import Invoice, InvoiceLine
from trainingdesk.lib.access import require_coordinator
from trainingdesk.lib.files import private_storage
from trainingdesk.lib.verification import ERASED_HOLDER
from trainingdesk.notifications.models import Email, EmailStatus
from trainingdesk.privacy.models import ErasureRequest, ErasureSource, ErasureStatus, FileToDelete
from trainingdesk.supervision.models import Allocation, OwnSupervisor, SessionMark

log = logging.getLogger(__name__)

ERASED = "[erased]"
ERASED_EMAIL_DOMAIN = "erased.invalid"  # RFC 2606: .invalid is never delivered


def erased_name(person: User) -> str:
    return f"Erased person {person.pk}"


def erased_email(person: User) -> str:
    return f"erased-{person.pk}@{ERASED_EMAIL_DOMAIN}"


def is_erased(person: User) -> bool:
    return person.email == erased_email(person)


def _optional_model(label: str, name: str) -> type[models.Model] | None:
    """A model of a third-party app (axes' sign-in attempts, the admin's log), if installed."""
    try:
        return apps.get_model(label, name)
    except LookupError:
        return None


# --- export ----------------------------------------------------------------------------------


def _row(obj: models.Model, *, drop: Iterable[str] = (), **extra: Any) -> dict[str, Any]:
    data = snapshot(obj) or {}
    for name in drop:
        data.pop(name, None)
    data.update({key: _jsonable(value) for key, value in extra.items()})
    return data


@dataclass
class _Archive:
    files: dict[str, bytes] = field(default_factory=dict)
    described: list[tuple[str, str]] = field(default_factory=list)

    def add(self, name: str, content: bytes, description: str) -> None:
        self.files[name] = content
        self.described.append((name, description))

    def add_json(self, name: str, data: Any, description: str) -> None:
        self.add(name, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"), description)

    def add_stored(self, stored_name: str | None, name: str, description: str) -> str | None:
        """A private file, if it is still stored; returns its name in the archive."""
        if not stored_name:
            return None
        try:
            with private_storage().open(stored_name, "rb") as handle:
                content = handle.read()
        except (FileNotFoundError, OSError):
            return None
        self.add(name, content, description)
        return name


def _emails_to(email: str) -> models.QuerySet[Email]:
    """Emails whose recipients include `email` (the JSON list read as text, on both databases)."""
    return Email.objects.annotate(to_text=Cast("to", TextField())).filter(to_text__icontains=f'"{email}"')


def _audit_about(person: User) -> models.QuerySet[AuditEntry]:
    user_type = ContentType.objects.get_for_model(get_user_model())
    return AuditEntry.objects.filter(
        Q(content_type=user_type, object_id=str(person.pk)) | Q(actor=person)).order_by("at", "id")


def export_person(person: User) -> bytes:
    """A ZIP of everything held about `person`: one JSON file per kind, their files under files/,
    and README.txt describing each file. A fixed number of queries, whatever they hold."""
    archive = _Archive()
    registrations = list(ProfessionalRegistration.objects.filter(user=person).select_related("body"))
    archive.add_json("profile.json", _row(person, drop=["is_superuser", "is_staff"],
                                          roles=sorted(person.role_names)),
                     "Your account: name, email, job, sector, organisation, country, time zones, "
                     "when you joined and last signed in.")
    archive.add_json("professional_registrations.json",
                     [_row(r, body_name=r.body_name or r.body.name) for r in registrations],
                     "Your registrations with professional bodies.")

    bookings = list(Booking.objects.filter(participant=person)
                    .select_related("run__level__programme", "own_supervisor",
                                    "supervision_allocation__group__supervisor__user")
                    .prefetch_related("make_up_days__day").order_by("created_at", "id"))
    archive.add_json("bookings.json", [_row(
        b, run=str(b.run), make_up_days=[str(m.day) for m in b.make_up_days.all()],
    ) for b in bookings], "Your bookings: the run, the price and who paid, the billing details, "
                          "cancellations and make-up days.")

    invoices = list(Invoice.objects.filter(Q(customer_person=person) | Q(participant=person))
                    .distinct().select_related("credits").prefetch_related("lines", "payments")
                    .order_by("issued_at", "id"))
    invoice_rows = []
    for invoice in invoices:
        pdf_name = f"files/invoices/{invoice.number}.pdf"
        archive.add(pdf_name, invoice_pdf(invoice),
                    f"{'Credit note' if invoice.is_credit_note else 'VAT invoice'} {invoice.number}.")
        invoice_rows.append(_row(invoice, lines=[_row(line) for line in invoice.lines.all()],
                                 payments=[_row(p, drop=["recorded_by"]) for p in invoice.payments.all()],
                                 pdf=pdf_name))
    archive.add_json("invoices.json", invoice_rows,
                     "Invoices and credit notes made out to you or about you, with their lines "
                     "and the payments and refunds recorded against them.")

    marks = list(AttendanceMark.objects.filter(booking__participant=person)
                 .select_related("day__run").order_by("day__date", "id"))
    confirmations = list(AttendanceConfirmation.objects.filter(participant=person)
                         .order_by("issued_at", "id"))
    confirmation_rows = []
    for confirmation in confirmations:
        pdf_name = f"files/confirmations/attendance-confirmation-{confirmation.code}.pdf"
        archive.add(pdf_name, confirmation_pdf(confirmation),
                    f"Your Attendance Confirmation {confirmation.code} ({confirmation.level_name}).")
        confirmation_rows.append(_row(confirmation, drop=["revoked_by"], pdf=pdf_name))
    archive.add_json("attendance.json", {
        "marks": [_row(m, drop=["recorded_by"], day=str(m.day), date=m.day.date) for m in marks],
        "confirmations": confirmation_rows,
    }, "Your attendance on each training day, and your Attendance Confirmations.")

    applications = list(Application.objects.filter(participant=person).select_related("level")
                        .prefetch_related("evidence", "messages").order_by("created_at", "id"))
    application_rows = []
    for application in applications:
        evidence_rows = []
        for evidence in application.evidence.all():
            stored = archive.add_stored(
                evidence.file.name, f"files/evidence/{evidence.pk}-{evidence.original_name}",
                f"Evidence you sent with application {application.reference}: "
                f"{evidence.original_name}.")
            evidence_rows.append(_row(evidence, drop=["file"], file=stored or "deleted"))
        application_rows.append(_row(
            application, drop=["decided_by"], level=application.level.name, evidence=evidence_rows,
            messages=[_row(m, drop=["author"]) for m in application.messages.all()]))
    archive.add_json("applications.json", application_rows,
                     "Your applications, your answers, the evidence (its details; the files are "
                     "under files/evidence/), the messages and the decisions.")

    session_marks = list(SessionMark.objects.filter(allocation__booking__participant=person)
                         .select_related("session__group").order_by("session__starts_at"))
    allocations = [b.supervision_allocation for b in bookings
                   if hasattr(b, "supervision_allocation")]
    own = [b.own_supervisor for b in bookings if hasattr(b, "own_supervisor")]
    archive.add_json("supervision.json", {
        "allocations": [_row(a, drop=["allocated_by"], group=a.group.name,
                             supervisor=a.group.supervisor.user.full_name) for a in allocations],
        "sessions": [_row(m, drop=["recorded_by"], session=str(m.session),
                          starts_at=m.session.starts_at) for m in session_marks],
        "own_supervisor": [_row(o) for o in own],
    }, "Your supervision: your group and supervisor, the sessions you attended, or the "
       "supervisor of your own you told us about.")

    portfolios = list(
        Portfolio.objects.filter(participant=person).select_related("level")
        .prefetch_related("pieces__component", "extensions", "submissions__pieces__component",
                          "submissions__markings__marker", "submissions__markings__parts")
        .order_by("opened_at", "id"))
    portfolio_rows = []
    def piece_row(portfolio: Portfolio, piece: Piece | SubmittedPiece, folder: str) -> dict[str, Any]:
        stored = archive.add_stored(
            piece.file.name, f"files/coursework/{portfolio.pk}/{folder}/{piece.pk}-{piece.file_name}",
            f"{piece.title}, {folder.replace('-', ' ')}, of your {portfolio.level.name} coursework.")
        return _row(piece, drop=["file"], part=piece.title, file=stored or "")

    for portfolio in portfolios:
        portfolio_rows.append(_row(
            portfolio, level=portfolio.level.name,
            drafts=[piece_row(portfolio, p, "draft") for p in portfolio.pieces.all()],
            extensions=[_row(e, drop=["granted_by"]) for e in portfolio.extensions.all()],
            submissions=[_row(
                s, drop=["submitted_by", "assessor", "moderator"],
                pieces=[piece_row(portfolio, p, f"submission-{s.attempt}") for p in s.pieces.all()],
                markings=[_row(m, marker=m.marker.full_name,
                               parts=[_row(pm) for pm in m.parts.all()])
                          for m in s.markings.all()],
            ) for s in portfolio.submissions.all()]))
    archive.add_json("coursework.json", portfolio_rows,
                     "Your coursework: drafts, what you submitted, the markers' decisions and "
                     "feedback (with the markers' names), extensions.")

    certificates = list(Certificate.objects.for_display().filter(participant=person)
                        .order_by("issued_at", "id"))
    certificate_rows = []
    for certificate in certificates:
        pdf_name = f"files/certificates/certificate-{certificate.code}.pdf"
        archive.add(pdf_name, certificate_pdf(certificate.as_data()),
                    f"Your certificate {certificate.code}.")
        certificate_rows.append(_row(certificate, drop=["revoked_by"], pdf=pdf_name))
    archive.add_json("certificates.json", certificate_rows,
                     "Your certificates, each with its signed Open Badges credential.")

    emails = list(_emails_to(person.email).order_by("created_at", "id"))
    archive.add_json("emails.json", [{
        "subject": e.subject, "to": e.to, "created_at": _jsonable(e.created_at),
        "sent_at": _jsonable(e.sent_at), "status": e.status,
        "body": e.body if e.rendered else "", "template": e.template,
    } for e in emails], "Emails sent (or waiting to be sent) to you: the subject, the date, the "
                        "addresses and the text, once written out.")

    audit = list(_audit_about(person))
    archive.add_json("audit_entries.json", [_row(entry, drop=["content_type"])
                                            for entry in audit],
                     "Audit log entries about your account, and of things you did: what was "
                     "done, when, and the values before and after.")

    archive.add_json("api_tokens.json", [_row(t, drop=["secret_hash"]) for t in
                                         ApiToken.objects.filter(user=person).order_by("created_at")],
                     "Your API tokens: their names, scopes and dates (never the secret).")

    readme = ["Everything Trainingdesk holds about you, as of "
              f"{timezone.now():%d %B %Y %H:%M} UTC.", "",
              "JSON files hold the records; times are in UTC (ISO 8601). Files:", ""]
    readme += [f"{name}\n    {description}" for name, description in archive.described]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("README.txt", "\n".join(readme) + "\n")
        for name, content in archive.files.items():
            zipped.writestr(name, content)
    return buffer.getvalue()


def export_for(*, person: User, actor: User) -> bytes:
    """The export, for the person themselves or the coordinator (a request made by email),
    audited. The audit entry names the person by reference only."""
    if actor.pk != person.pk:
        require_coordinator(actor, "export another person's data")
    content = export_person(person)
    with transaction.atomic():
        log_action(actor, "privacy.person.exported", None, after={"person": person.pk},
                   reason="Asked by the person" if actor.pk == person.pk else
                   "Asked by the person by email; produced by the coordinator")
    return content


# --- erasure ---------------------------------------------------------------------------------


def erasure_blockers(person: User, now: dt.datetime) -> list[str]:
    """What must finish (or be settled) before the person can be erased: things in progress
    that need them. Empty when erasure may go ahead."""
    today = timezone.localdate(now)
    problems: list[str] = []
    if person.works_here:
        problems.append("They work here (staff): take their roles away first.")
    live = (Booking.objects.filter(participant=person, status__in=ACTIVE)
            .annotate(last_day=Max("run__days__date")).filter(last_day__gte=today)
            .select_related("run"))
    problems += [f"Booking {b.reference} ({b.run}) is {b.get_status_display().lower()} on a run "
                 "not finished yet: cancel it first." for b in live]
    problems += [f"Application {a.reference} is {a.get_status_display().lower()}: decide it or "
                 "let them withdraw it first." for a in Application.objects.filter(
                     participant=person, status__in=[s for s in OPEN if s != ApplicationStatus.DRAFT])]
    problems += [f"Their {p.level.name} coursework is being marked: finish marking first."
                 for p in Portfolio.objects.filter(participant=person, status=PortfolioStatus.SUBMITTED)
                 .select_related("level")]
    balances = Invoice.objects.with_balance().filter(customer_person=person).order_by("issued_at")
    owing = [(i.number, getattr(i, "balance", 0)) for i in balances]
    problems += [f"Invoice {number} has £{balance} outstanding (or to refund): settle it first "
                 "(the right to erasure does not cover a debt)." for number, balance in owing
                 if balance != 0]
    sessions_ahead = (Allocation.objects.filter(booking__participant=person,
                                                group__sessions__starts_at__gt=now)
                      .select_related("group").distinct())
    problems += [f"They are in supervision group {a.group.name}, which has sessions to come: "
                 "take them out first." for a in sessions_ahead]
    return problems


def request_erasure(*, person: User, now: dt.datetime | None = None,
                    recorded_by: User | None = None) -> ErasureRequest:
    """The participant asks to be erased, or the coordinator (`recorded_by`) records a request
    they made by email; either way the coordinator then confirms or refuses it. Asking again
    while one waits answers the waiting one."""
    if recorded_by is not None:
        require_coordinator(recorded_by, "record an erasure request")
    now = now or timezone.now()
    with transaction.atomic():
        existing = ErasureRequest.objects.filter(person=person, status=ErasureStatus.REQUESTED).first()
        if existing is not None:
            return existing
        if person.works_here:
            raise ValidationError("Staff accounts are closed by the coordinator, not erased here.")
        if is_erased(person):
            raise ValidationError("This person's data has already been erased.")
        source = ErasureSource.PARTICIPANT if recorded_by is None else ErasureSource.COORDINATOR
        try:
            with transaction.atomic():
                erasure = ErasureRequest.objects.create(person=person, requested_at=now,
                                                        source=source)
        except IntegrityError:  # the same request from a second tab, at once
            return ErasureRequest.objects.get(person=person, status=ErasureStatus.REQUESTED)
        log_action(recorded_by or person, "privacy.erasure.requested", erasure,
                   after={"source": source})
        return erasure


def find_people(text: str, *, limit: int = 50) -> list[User]:
    """The people whose name or email holds `text` (the coordinator answering a request made by
    email), by name; never anyone already erased."""
    text = text.strip()
    return list(User.objects.filter(Q(full_name__icontains=text) | Q(email__icontains=text))
                .exclude(email__endswith=f"@{ERASED_EMAIL_DOMAIN}")
                .order_by("full_name", "email", "pk")[:limit])


def refuse_erasure(*, erasure: ErasureRequest, reason: str, actor: User,
                   now: dt.datetime | None = None) -> ErasureRequest:
    require_coordinator(actor, "refuse an erasure request")
    if not reason.strip():
        raise ValidationError("Say why the request is refused: the person is told.")
    now = now or timezone.now()
    with transaction.atomic():
        erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
        if erasure.status != ErasureStatus.REQUESTED:
            raise ValidationError("This request has already been decided.")
        erasure.status = ErasureStatus.REFUSED
        erasure.refusal_reason = reason.strip()
        erasure.decided_at = now
        erasure.decided_by = actor
        erasure.save(update_fields=["status", "refusal_reason", "decided_at", "decided_by"])
        log_action(actor, "privacy.erasure.refused", erasure, reason=erasure.refusal_reason)
    return erasure


def _their_writing(person: User) -> set[str]:
    """What the person wrote, or was written about them, in free text: audit snapshots copy
    these whole (a covering letter holding a telephone number), so they are scrubbed whole."""
    texts: set[str] = set()
    for application in Application.objects.filter(participant=person).only(
            "covering_letter", "external_provider", "decision_reason"):
        texts |= {application.covering_letter, application.external_provider,
                  application.decision_reason}
    texts |= set(Message.objects.filter(application__participant=person).values_list("text", flat=True))
    texts |= set(Evidence.objects.filter(application__participant=person)
                 .values_list("original_name", flat=True))
    texts |= set(Piece.objects.filter(portfolio__participant=person).values_list("text", flat=True))
    texts |= set(SubmittedPiece.objects.filter(submission__portfolio__participant=person)
                 .values_list("text", flat=True))
    texts |= set(Extension.objects.filter(portfolio__participant=person).values_list("reason", flat=True))
    texts |= set(Marking.objects.filter(submission__portfolio__participant=person)
                 .values_list("feedback", flat=True))
    texts |= set(Booking.objects.filter(participant=person).values_list("cancellation_reason", flat=True))
    return {text for text in texts if text and len(text.strip()) >= 8}


def _needles(person: User, bookings: list[Booking], registrations: list[ProfessionalRegistration],
             own: list[OwnSupervisor]) -> list[str]:
    """The strings that identify the person (and the third person they named as their own
    supervisor), and what they wrote, to be scrubbed wherever they appear as text."""
    values = {person.full_name, person.email, *_their_writing(person)}
    for booking in bookings:
        if booking.payer == "self":
            values |= {booking.billing_name, booking.invoice_email, booking.billing_address,
                       booking.billing_postcode}
            values |= set(booking.billing_address.splitlines())
    values |= {r.number for r in registrations}
    for supervisor in own:
        values |= {supervisor.name, supervisor.contact}
    # Short values would scrub other people's text: a two-letter code, a four-digit number.
    return sorted((v.strip() for v in values if v and len(v.strip()) >= (6 if v.strip().isdigit() else 4)),
                  key=len, reverse=True)


def _scrubber(needles: list[str]) -> Any:
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE) if needles else None

    def scrub(value: Any) -> Any:
        if pattern is None:
            return value
        if isinstance(value, str):
            return pattern.sub(ERASED, value)
        if isinstance(value, list):
            return [scrub(v) for v in value]
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items()}
        return value

    return scrub


def _mentioning(field_names: list[str], needles: list[str]) -> Q:
    """Rows whose text (or JSON, read as text) contains any of the needles. JSON on SQLite is
    stored with non-ASCII letters escaped, so each needle is also looked for as JSON writes it."""
    condition = Q(pk__in=[])
    for name in field_names:
        for needle in needles:
            escaped = json.dumps(needle)[1:-1]
            condition |= Q(**{f"{name}_text__icontains": needle})
            if escaped != needle:
                condition |= Q(**{f"{name}_text__icontains": escaped})
    return condition


def _as_text(queryset: models.QuerySet[Any], field_names: list[str]) -> models.QuerySet[Any]:
    return queryset.annotate(**{f"{name}_text": Cast(name, TextField()) for name in field_names})


def _delete_files_after_commit(names: Iterable[str], now: dt.datetime) -> None:
    """Note the files to delete in this transaction, and delete them once it commits: a rollback
    keeps them (and their rows' references); a storage failure keeps the note, for
    `delete_leftover_files` to try again."""
    rows = FileToDelete.objects.bulk_create(
        FileToDelete(name=name, created_at=now) for name in sorted(set(names)) if name)
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: _delete_stored_files(FileToDelete.objects.filter(pk__in=ids)),
                              robust=True)  # a failure leaves the notes for the periodic job


def _delete_stored_files(rows: models.QuerySet[FileToDelete]) -> int:
    storage = private_storage()
    deleted: list[int] = []
    for row in rows:
        try:
            storage.delete(row.name)
        except Exception as error:
            log.exception("Could not delete the private file %s (try %s)", row.name, row.attempts + 1)
            FileToDelete.objects.filter(pk=row.pk).update(
                attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:500])
        else:
            deleted.append(row.pk)
    FileToDelete.objects.filter(pk__in=deleted).delete()
    return len(deleted)


# How long a noted file is left to its own transaction's after-commit deletion before the
# periodic job takes it as left over.
LEFTOVER_AFTER = dt.timedelta(minutes=1)


def delete_leftover_files(now: dt.datetime) -> int:
    """Periodic: delete the files whose deletion failed (or whose process died first)."""
    return _delete_stored_files(FileToDelete.objects.filter(created_at__lt=now - LEFTOVER_AFTER)
                                .order_by("pk")[:1000])


def _sign_out_everywhere(person: User, now: dt.datetime) -> None:
    """Delete the person's sessions (the cached_db engine keeps them in the cache too)."""
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=now).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(person.pk):
            store(session.session_key).delete()


def erase_person(*, person: User, actor: User | None, now: dt.datetime,
                 erasure: ErasureRequest | None = None,
                 source: str = ErasureSource.PARTICIPANT) -> ErasureRequest:
    """Erase `person`: personal data removed or replaced in every table and file, sign-in made
    impossible; invoices, credit notes and payments kept as issued (HMRC: VAT records for
    INVOICE_KEEP_YEARS), the participant link cut; certificates and confirmations still
    verifiable, issued to "a person whose record was erased". Refused (ValidationError) while
    something in progress needs them (`erasure_blockers`). The coordinator confirms a request;
    the retention job (actor None) erases an inactive account. Atomic and audited; the audit
    entry names no personal data."""
    if actor is not None:
        require_coordinator(actor, "erase a person's data")
    with transaction.atomic():
        # The person's row: a second erasure (the coordinator and the retention job, or two
        # copies of the job) waits here and then finds them erased.
        person = User.objects.select_for_update().get(pk=person.pk)
        if is_erased(person):
            raise ValidationError("This person's data has already been erased.")
        problems = erasure_blockers(person, now)
        if problems:
            raise ValidationError(problems)
        if erasure is not None:
            erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
            if erasure.status != ErasureStatus.REQUESTED or erasure.person_id != person.pk:
                raise ValidationError("This request has already been decided.")
        else:  # their waiting request, if any, is the one this erasure answers
            erasure = (ErasureRequest.objects.select_for_update()
                       .filter(person=person, status=ErasureStatus.REQUESTED).first()
                       or ErasureRequest(person=person, requested_at=now, source=source))
        _erase(person, now)
        kept = list(Invoice.objects.filter(Q(customer_person=person) | Q(participant=person))
                    .values_list("pk", flat=True).distinct())
        Invoice.objects.filter(participant=person).update(participant=None)
        erasure.status = ErasureStatus.ERASED
        erasure.decided_at = now
        erasure.decided_by = actor
        erasure.kept_invoices = sorted(kept)
        erasure.save()
        log_action(actor, "privacy.person.erased", erasure,
                   after={"person": person.pk, "invoices_kept": len(kept), "source": erasure.source})
    return erasure


def _erase(person: User, now: dt.datetime) -> None:
    bookings = list(Booking.objects.filter(participant=person))
    registrations = list(ProfessionalRegistration.objects.filter(user=person))
    own = list(OwnSupervisor.objects.filter(booking__participant=person))
    needles = _needles(person, bookings, registrations, own)
    scrub = _scrubber(needles)
    theirs = _their_rows(person)
    old_email = person.email

    # Files first (deleted from storage; a rollback cannot bring them back, so this runs after
    # every check has passed).
    evidence = Evidence.objects.filter(application__participant=person)
    pieces = Piece.objects.filter(portfolio__participant=person)
    submitted = SubmittedPiece.objects.filter(submission__portfolio__participant=person)
    names = [*evidence.values_list("file", flat=True), *pieces.values_list("file", flat=True),
             *submitted.values_list("file", flat=True)]
    _delete_files_after_commit(names, now)

    # The account: nothing of them left, and no way in.
    person.full_name = erased_name(person)
    person.email = erased_email(person)
    person.job_role = person.sector = person.organisation_name = person.country = ""
    person.zoom_report_zone = ""
    person.is_active = person.is_member = False
    person.last_login = None
    person.set_unusable_password()
    person.save()
    person.groups.clear()
    person.user_permissions.clear()
    ProfessionalRegistration.objects.filter(user=person).delete()
    person.calendar_feeds.all().delete()
    apps.get_model("accounts", "PublishedCalendarEntry")._default_manager.filter(user=person).delete()
    _sign_out_everywhere(person, now)
    for model_name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
        axes_model = _optional_model("axes", model_name)
        if axes_model is not None:
            axes_model._default_manager.filter(username__iexact=old_email).delete()
    # Their API tokens stop working; the answers kept for idempotent writes held their data.
    tokens = ApiToken.objects.filter(user=person)
    IdempotencyRecord.objects.filter(token__in=tokens).delete()
    tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
    tokens.update(name=ERASED)

    Booking.objects.filter(participant=person).update(
        billing_name=erased_name(person), billing_address="", billing_postcode="",
        invoice_email=erased_email(person), cancellation_reason="", updated_at=now)
    AttendanceConfirmation.objects.filter(participant=person).update(holder_name=ERASED_HOLDER)
    Certificate.objects.filter(participant=person).update(holder_name=ERASED_HOLDER)

    applications = Application.objects.filter(participant=person)
    _scrub_applications(applications, scrub)
    applications.update(external_provider="", registration_body="", registration_number="",
                        covering_letter="")
    Message.objects.filter(application__participant=person).update(text="")
    evidence.update(file="", original_name=ERASED, sha256="", size=0)

    OwnSupervisor.objects.filter(booking__participant=person).update(name=ERASED, contact="")
    pieces.update(text="", file="", file_name="")
    submitted.update(text="", file="", file_name="")
    Extension.objects.filter(portfolio__participant=person).update(reason=ERASED)
    Marking.objects.filter(submission__portfolio__participant=person).update(feedback="")
    PartMark.objects.filter(marking__submission__portfolio__participant=person).exclude(
        feedback="").update(feedback=ERASED)

    _scrub_emails(person, old_email, needles, scrub, now)
    _scrub_audit(person, needles, scrub, theirs)
    _scrub_admin_log(person, needles, scrub)


def _scrub_applications(applications: models.QuerySet[Application], scrub: Any) -> None:
    rows = list(applications.only("pk", "findings", "decision_reason"))
    for application in rows:
        application.findings = scrub(application.findings)
        application.decision_reason = scrub(application.decision_reason)
    Application.objects.bulk_update(rows, ["findings", "decision_reason"])


def _scrub_emails(person: User, old_email: str, needles: list[str], scrub: Any,
                  now: dt.datetime) -> None:
    """Emails to them lose the address and the context; any email that names them (one to the
    coordinator about them) has their name and details replaced. One waiting to be sent to them
    is not sent."""
    fields = ["to", "context", "subject", "body", "last_error"]
    emails = list(_as_text(Email.objects.all(), fields).filter(_mentioning(fields, needles)))
    for email in emails:
        to_them = any(address.lower() == old_email.lower() for address in email.to)
        email.to = [erased_email(person) if address.lower() == old_email.lower() else address
                    for address in email.to]
        email.subject = scrub(email.subject)
        # One to them greets them by a first name no search would find: its text goes whole.
        email.body = "" if to_them else scrub(email.body)
        email.last_error = scrub(email.last_error)
        email.context = {} if to_them else scrub(email.context)
        if to_them and email.status == EmailStatus.QUEUED:
            email.status = EmailStatus.FAILED
            email.failed_at = now
            email.last_error = "Not sent: the recipient's data was erased."
    Email.objects.bulk_update(emails, ["to", "subject", "body", "last_error", "context", "status",
                                       "failed_at"])


# The fields of their rows whose values are theirs: blanked in audit snapshots of those rows,
# whatever the value (a job title or a four-digit membership number is too common to look for
# as text across everyone's entries).
PERSONAL_KEYS = frozenset({
    "full_name", "email", "job_role", "sector", "organisation_name", "country", "time_zone",
    "zoom_report_zone", "registrations", "number", "body_name", "registration_body",
    "registration_number", "covering_letter", "external_provider", "billing_name",
    "billing_address", "billing_postcode", "invoice_email", "purchase_order",
    "cancellation_reason", "text", "file", "file_name", "original_name", "sha256", "holder_name",
    "name", "contact", "reason", "feedback", "findings", "decision_reason",
})


def _blank_personal(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (ERASED if k in PERSONAL_KEYS and v not in (None, "", [], {})
                    else _blank_personal(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank_personal(v) for v in value]
    return value


def _their_rows(person: User) -> Q:
    """Audit entries about the person's own rows (read before any is deleted)."""
    owned: list[tuple[type[models.Model], models.QuerySet[Any]]] = [
        (User, User.objects.filter(pk=person.pk)),
        (ProfessionalRegistration, ProfessionalRegistration.objects.filter(user=person)),
        (Booking, Booking.objects.filter(participant=person)),
        (Application, Application.objects.filter(participant=person)),
        (Evidence, Evidence.objects.filter(application__participant=person)),
        (OwnSupervisor, OwnSupervisor.objects.filter(booking__participant=person)),
        (Portfolio, Portfolio.objects.filter(participant=person)),
        (Extension, Extension.objects.filter(portfolio__participant=person)),
        (AttendanceConfirmation, AttendanceConfirmation.objects.filter(participant=person)),
        (Certificate, Certificate.objects.filter(participant=person)),
    ]
    types = ContentType.objects.get_for_models(*(model for model, _rows in owned))
    condition = Q(actor=person)
    for model, rows in owned:
        ids = [str(pk) for pk in rows.values_list("pk", flat=True)]
        if ids:
            condition |= Q(content_type=types[model], object_id__in=ids)
    return condition


def _scrub_audit(person: User, needles: list[str], scrub: Any, theirs: Q) -> None:
    """Audit entries keep what was done and when; the person's values in them are replaced:
    every personal field of an entry about their rows, and their name, details and writing
    wherever else they appear."""
    fields = ["before", "after", "object_repr", "reason"]
    user_type = ContentType.objects.get_for_model(get_user_model())
    about_them = set(AuditEntry.objects.filter(theirs).values_list("pk", flat=True))
    entries = list(_as_text(AuditEntry.objects.all(), fields).filter(
        _mentioning(fields, needles) | Q(pk__in=about_them)))
    for entry in entries:
        if entry.pk in about_them:
            entry.before = _blank_personal(entry.before)
            entry.after = _blank_personal(entry.after)
            # Reasons about their rows are theirs too: an answer, an extension's health reason.
            entry.reason = ERASED if entry.reason else ""
        entry.before = scrub(entry.before)
        entry.after = scrub(entry.after)
        entry.reason = scrub(entry.reason)
        entry.object_repr = (erased_name(person) if entry.content_type_id == user_type.pk
                             and entry.object_id == str(person.pk) else scrub(entry.object_repr))
    AuditEntry.objects.bulk_update(entries, ["before", "after", "reason", "object_repr"])


def _scrub_admin_log(person: User, needles: list[str], scrub: Any) -> None:
    log_entry = _optional_model("admin", "LogEntry")
    if log_entry is None:
        return
    fields = ["object_repr", "change_message"]
    rows = list(_as_text(log_entry._default_manager.all(), fields).filter(_mentioning(fields, needles)))
    for row in rows:
        row.object_repr = scrub(row.object_repr)  # type: ignore[attr-defined]
        row.change_message = scrub(row.change_message)  # type: ignore[attr-defined]
    log_entry._default_manager.bulk_update(rows, fields)



# --- retention -------------------------------------------------------------------------------
# Evidence sent with applications is deleted by admissions' own periodic job
# (admissions.delete_old_evidence, ADMISSIONS_EVIDENCE_KEEP_DAYS after the decision): not here.


def delete_old_coursework_files(*, now: dt.datetime) -> int:
    """Delete the files (and written text stays: it is the record of what was marked) of
    coursework decided more than COURSEWORK_FILES_KEEP_DAYS ago: passed, or referred with the
    resubmission date passed. The rows stay, saying the file was deleted. Idempotent: two runs
    at once delete the same names, which is harmless, and each portfolio is taken under a lock."""
    keep = dt.timedelta(days=settings.COURSEWORK_FILES_KEEP_DAYS)
    today = timezone.localdate(now)
    decided = Q(status=PortfolioStatus.PASSED, passed_at__lt=now - keep) | Q(
        status=PortfolioStatus.REFERRED, resubmit_by__lt=today - keep)
    with transaction.atomic():
        # skip_locked: a second copy of the job leaves these portfolios to the first.
        portfolios = list(Portfolio.objects.select_for_update(skip_locked=True).filter(decided)
                          .values_list("pk", flat=True))
        pieces = Piece.objects.filter(portfolio__in=portfolios).exclude(file="")
        submitted = SubmittedPiece.objects.filter(
            submission__portfolio__in=portfolios).exclude(file="")
        names = [*pieces.values_list("file", flat=True), *submitted.values_list("file", flat=True)]
        if not names:
            return 0
        pieces.update(file="")
        submitted.update(file="")
        log_action(None, "privacy.coursework_files.deleted", None,
                   after={"portfolios": portfolios, "files": len(set(names))},
                   reason=f"Kept {settings.COURSEWORK_FILES_KEEP_DAYS} days after the coursework "
                          "was decided")
        _delete_files_after_commit(names, now)
    return len(set(names))


def inactive_accounts(now: dt.datetime) -> models.QuerySet[User]:
    """Participants (never staff) with no sign-in, booking, application or coursework activity
    for INACTIVE_ACCOUNT_KEEP_DAYS, not yet erased."""
    cutoff = now - dt.timedelta(days=settings.INACTIVE_ACCOUNT_KEEP_DAYS)
    recent_booking = (Q(bookings__created_at__gte=cutoff) | Q(bookings__confirmed_at__gte=cutoff)
                      | Q(bookings__cancelled_at__gte=cutoff))
    recent_application = (Q(applications__created_at__gte=cutoff)
                          | Q(applications__submitted_at__gte=cutoff)
                          | Q(applications__decided_at__gte=cutoff))
    recent_coursework = (Q(portfolios__opened_at__gte=cutoff) | Q(portfolios__passed_at__gte=cutoff)
                         | Q(portfolios__submissions__submitted_at__gte=cutoff)
                         | Q(portfolios__pieces__updated_at__gte=cutoff))
    active = User.objects.filter(recent_booking | recent_application | recent_coursework)
    return (User.objects.filter(is_staff=False, is_superuser=False, groups__isnull=True,
                                date_joined__lt=cutoff)
            .filter(Q(last_login__isnull=True) | Q(last_login__lt=cutoff))
            .exclude(email__endswith=f"@{ERASED_EMAIL_DOMAIN}")
            .exclude(pk__in=active.values("pk")).order_by("pk"))


def erase_inactive_accounts(*, now: dt.datetime) -> int:
    """Erase each inactive account that nothing in progress needs; one whose erasure is refused
    (an unpaid invoice, say) waits for a later run. Safe to run twice at once: `erase_person`
    takes the person's row and refuses one already erased, and the database erases a person
    once at most."""
    erased = 0
    for person in inactive_accounts(now):
        try:
            erase_person(person=person, actor=None, now=now, source=ErasureSource.RETENTION)
        except (ValidationError, IntegrityError):
            continue
        erased += 1
    return erased


def anonymise_expired_invoices(*, now: dt.datetime) -> int:
    """Invoices and credit notes kept as issued for an erased person, once INVOICE_KEEP_YEARS
    have passed since their tax point: the person's name, address and email replaced."""
    cutoff = timezone.localdate(now).replace(year=timezone.localdate(now).year - settings.INVOICE_KEEP_YEARS)
    done = 0
    with transaction.atomic():
        erasures = list(ErasureRequest.objects.select_for_update(skip_locked=True)
                        .filter(status=ErasureStatus.ERASED).exclude(kept_invoices=[])
                        .select_related("person"))
        wanted = {pk for erasure in erasures for pk in erasure.kept_invoices}
        invoices = {i.pk: i for i in Invoice.objects.filter(pk__in=wanted, tax_point__lt=cutoff)
                    .prefetch_related("lines")}
        changed_invoices, changed_lines = [], []
        for erasure in erasures:
            person = erasure.person
            expired = [invoices[pk] for pk in erasure.kept_invoices if pk in invoices]
            for invoice in expired:
                theirs = invoice.customer_person_id == person.pk
                needles = [invoice.participant_name]
                if theirs:
                    needles += [invoice.customer_name, invoice.customer_email,
                                *invoice.customer_address.splitlines()]
                scrub = _scrubber(sorted({n for n in needles if len(n.strip()) >= 4}, key=len,
                                         reverse=True))
                if theirs:
                    invoice.customer_name = erased_name(person)
                    invoice.customer_address = ERASED
                    invoice.customer_email = erased_email(person)
                if invoice.participant_name:
                    invoice.participant_name = erased_name(person)
                invoice.note = scrub(invoice.note)
                changed_invoices.append(invoice)
                for line in invoice.lines.all():
                    line.description = scrub(line.description)
                    changed_lines.append(line)
            erasure.kept_invoices = [pk for pk in erasure.kept_invoices if pk not in invoices]
            done += len(expired)
        Invoice.objects.bulk_update(changed_invoices, ["customer_name", "customer_address",
                                                       "customer_email", "participant_name", "note"])
        InvoiceLine.objects.bulk_update(changed_lines, ["description"])
        ErasureRequest.objects.bulk_update(erasures, ["kept_invoices"])
        if done:
            log_action(None, "privacy.invoices.anonymised", None,
                       after={"invoices": sorted(i.pk for i in changed_invoices)},
                       reason=f"Kept {settings.INVOICE_KEEP_YEARS} years (HMRC)")
    return done


def apply_retention(now: dt.datetime) -> int:
    """The retention schedule, run by the periodic command: how many things it did."""
    return (delete_old_coursework_files(now=now) + erase_inactive_accounts(now=now)
            + anonymise_expired_invoices(now=now))
