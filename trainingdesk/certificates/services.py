"""Issuing, revoking and reissuing the Advanced Certificate: atomic, checked, audited.

- `issue_if_due(participant, programme, now)`: the certificate, once every requirement holds
  (`coursework.rules.certificate_missing`); called when coursework passes (`on_portfolio_passed`,
  registered with `coursework.events`) and for everyone due by the periodic job
  (`issue_due_certificates`), so that someone whose supervision hours complete after their
  coursework passed gets it then. Never two: the participant's row is locked, and the database
  allows one standing certificate a programme.
- `revoke_certificate`: the coordinator, with a reason; the public page and the status list say so.
- `reissue_certificate`: a corrected name, as a new certificate with a new code; the old one is
  revoked and says it was replaced (superseded).
- `confirmation_status_index`: an Attendance Confirmation's position in the status list, for
  its credential (when the provider chooses), kept here so the confirmation's row is untouched.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from trainingdesk.accounts.models import User
from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.audit.log import log_action, snapshot
from trainingdesk.catalogue.models import Programme
from trainingdesk.certificates import openbadges
from trainingdesk.certificates.models import Certificate, StatusListEntry
from trainingdesk.certificates.selectors import Standing, standing_of
from trainingdesk.coursework.models import Portfolio, PortfolioStatus
from trainingdesk.lib import events
from trainingdesk.lib.access import require_coordinator
from trainingdesk.lib.verification import ERASED_HOLDER, new_code
from trainingdesk.notifications.services import send_email

# A position is drawn at random; a clash with one already given is drawn again.
_DRAWS = 50


def _new_status_index(code: str, now: dt.datetime) -> int:
    """A fresh, random position in the status list for the document `code`."""
    for _attempt in range(_DRAWS):
        index = secrets.randbelow(openbadges.LIST_LENGTH)
        try:
            with transaction.atomic():
                StatusListEntry.objects.create(index=index, code=code, created_at=now)
        except IntegrityError:
            continue
        return index
    raise RuntimeError("No free position found in the revocation status list: it needs to grow.")


def confirmation_status_index(confirmation: AttendanceConfirmation, *, now: dt.datetime | None = None
                              ) -> int:
    """The confirmation's position in the status list, given on its credential's first request
    and the same ever after (two first requests at once agree: the code is unique)."""
    found = StatusListEntry.objects.filter(code=confirmation.code).values_list("index", flat=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return _new_status_index(confirmation.code, now or timezone.now())
    except IntegrityError:  # unreachable in practice: the same code given a position meanwhile
        return StatusListEntry.objects.get(code=confirmation.code).index


def revoked_status_indexes() -> list[int]:
    """The positions whose bit is set: every revoked (or superseded) certificate, and every
    revoked confirmation that was given a credential. Two queries."""
    certificates = Certificate.objects.filter(revoked_at__isnull=False).values_list("status_index", flat=True)
    revoked_confirmations = AttendanceConfirmation.objects.filter(
        code=OuterRef("code"), revoked_at__isnull=False)
    confirmations = (StatusListEntry.objects.filter(Exists(revoked_confirmations))
                     .values_list("index", flat=True))
    return sorted({*certificates, *confirmations})


# --- issuing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _States:
    """What a certificate states besides its holder: copied from the programme when first issued,
    and from the old certificate when reissued (a later change to the programme alters neither)."""

    award_name: str
    provider_name: str
    provider_accreditation: str
    levels: list[dict[str, str]]
    supervision_hours: Decimal
    own_supervisor: bool


def _create(*, participant: User, programme: Programme, portfolio: Portfolio, holder_name: str,
            states: _States, now: dt.datetime, replaces: Certificate | None = None) -> Certificate:
    """Write a certificate with its signed credential."""
    code = new_code()
    index = _new_status_index(code, now)
    credential = openbadges.certificate_credential(
        code=code, holder_name=holder_name, award_name=states.award_name,
        provider_name=states.provider_name, programme_name=programme.name,
        award_requirements=programme.award_requirements, issued_at=now, status_index=index)
    return Certificate.objects.create(
        code=code, participant=participant, programme=programme, portfolio=portfolio,
        holder_name=holder_name, award_name=states.award_name, provider_name=states.provider_name,
        provider_accreditation=states.provider_accreditation, levels=states.levels,
        supervision_hours=states.supervision_hours, own_supervisor=states.own_supervisor,
        issued_at=now, replaces=replaces, status_index=index, credential=credential)


def _levels(standing: Standing) -> list[dict[str, str]]:
    """The levels as the certificate records them; one done elsewhere names its provider."""
    levels: list[dict[str, str]] = []
    for held in standing.levels:
        base = {"name": held.level.name, "accreditation": held.level.accreditation}
        if held.confirmation is not None:
            levels.append({**base, "completed_on": held.confirmation.last_date.isoformat()})
        elif held.equivalent is not None and held.equivalent.external_completed_on is not None:
            levels.append({**base, "provider": held.equivalent.external_provider,
                           "completed_on": held.equivalent.external_completed_on.isoformat()})
    return levels


def _email_issued(certificate: Certificate, template: str = "certificates/email/issued.txt") -> None:
    send_email(to=[certificate.participant.email], template=template,
               context={"certificate": certificate, "participant": certificate.participant},
               attachments=[{"kind": "certificate", "id": certificate.pk}])


def issue_if_due(*, participant: User, programme: Programme, now: dt.datetime | None = None
                 ) -> Certificate | None:
    """Issue the programme's certificate to the participant if every requirement holds and they
    have never been given one; None otherwise. A revoked certificate is not replaced here: that
    is the coordinator's decision (`reissue_certificate`)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            # The participant's row: the pass's handler and the periodic job, arriving at once,
            # queue here, and the second finds the first's certificate below.
            participant = User.objects.select_for_update().get(pk=participant.pk)
            if Certificate.objects.filter(participant=participant, programme=programme).exists():
                return None
            standing = standing_of(participant, programme)
            if standing.missing or standing.portfolio is None:
                return None
            certificate = _create(
                participant=participant, programme=programme, portfolio=standing.portfolio,
                holder_name=participant.full_name, now=now, states=_States(
                    award_name=programme.award_name or programme.name,
                    provider_name=programme.provider.name,
                    provider_accreditation=programme.provider.accreditation,
                    levels=_levels(standing), supervision_hours=standing.pathway.supervision_hours,
                    own_supervisor=standing.pathway.own_supervisor_recorded))
            log_action(None, "certificates.certificate.issued", certificate,
                       after=snapshot(certificate))
            events.emit(events.CERTIFICATE_ISSUED, {"certificate_id": certificate.pk})
            _email_issued(certificate)
            return certificate
    except IntegrityError:
        # The unique constraint, should the lock not hold (SQLite has none to take): issued by
        # the other call, never twice.
        return None


def on_portfolio_passed(portfolio_id: int) -> None:
    """`coursework.events`: a portfolio passed (committed). Issue every certificate of a
    programme whose certificate levels include its level, if now due."""
    portfolio = Portfolio.objects.select_related("participant").get(pk=portfolio_id)
    now = timezone.now()
    programmes = Programme.objects.filter(certificate_levels=portfolio.level_id).select_related("provider")
    for programme in programmes:
        issue_if_due(participant=portfolio.participant, programme=programme, now=now)


def issue_due_certificates(*, now: dt.datetime) -> int:
    """Periodic: issue the certificate of everyone whose coursework has passed and who has none
    of that programme yet, if every other requirement now holds. Two queries to find them; each
    candidate is then checked (and issued) under their own lock."""
    issued = 0
    programmes = {p.pk: p for p in Programme.objects.filter(certificate_levels__isnull=False)
                  .distinct().select_related("provider")}
    candidates = (Portfolio.objects
                  .filter(status=PortfolioStatus.PASSED, level__certificate_programmes__in=list(programmes))
                  .exclude(Exists(Certificate.objects.filter(
                      participant=OuterRef("participant"),
                      programme=OuterRef("level__certificate_programmes"))))
                  .values_list("participant_id", "level__certificate_programmes").distinct())
    pairs = list(candidates)
    people = {u.pk: u for u in User.objects.filter(pk__in={person for person, _ in pairs})}
    for person_id, programme_id in pairs:
        if issue_if_due(participant=people[person_id], programme=programmes[programme_id], now=now):
            issued += 1
    return issued


# --- revoking and reissuing ------------------------------------------------------------------


def _locked(certificate: Certificate) -> Certificate:
    return (Certificate.objects.select_for_update(of=("self",)).select_related("participant")
            .get(pk=certificate.pk))


def _reason(reason: str, doing: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": f"Say why the certificate is {doing}."})
    return reason.strip()


def revoke_certificate(*, certificate: Certificate, reason: str, actor: User,
                       now: dt.datetime | None = None) -> Certificate:
    """Revoke a certificate with a reason, and tell its holder. From then on its page says it is
    revoked and its bit in the status list is set."""
    now = now or timezone.now()
    require_coordinator(actor, "revoke a certificate")
    reason = _reason(reason, "revoked")
    with transaction.atomic():
        certificate = _locked(certificate)
        if certificate.revoked_at is not None:
            raise ValidationError("This certificate is already revoked.")
        before = snapshot(certificate)
        certificate.revoked_at, certificate.revoked_by = now, actor
        certificate.revocation_reason = reason
        certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        log_action(actor, "certificates.certificate.revoked", certificate, before=before,
                   after=snapshot(certificate), reason=reason)
        events.emit(events.CERTIFICATE_REVOKED, {"certificate_id": certificate.pk})
        send_email(to=[certificate.participant.email], template="certificates/email/revoked.txt",
                   context={"certificate": certificate, "participant": certificate.participant})
        return certificate


def reissue_certificate(*, certificate: Certificate, holder_name: str, reason: str, actor: User,
                        now: dt.datetime | None = None) -> Certificate:
    """A corrected name: a new certificate, with a new code and credential, stating everything
    else as the old one did; the old one is revoked with the reason and says it was replaced."""
    now = now or timezone.now()
    require_coordinator(actor, "reissue a certificate")
    reason = _reason(reason, "reissued")
    holder_name = " ".join(holder_name.split())
    if not holder_name:
        raise ValidationError({"holder_name": "Enter the name as the certificate should print it."})
    with transaction.atomic():
        old = _locked(certificate)
        if old.revoked_at is not None:
            raise ValidationError("This certificate is no longer valid: only a valid certificate "
                                  "can be reissued.")
        before = snapshot(old)
        old.revoked_at, old.revoked_by, old.revocation_reason = now, actor, reason
        old.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        log_action(actor, "certificates.certificate.superseded", old, before=before,
                   after=snapshot(old), reason=reason)
        events.emit(events.CERTIFICATE_REVOKED, {"certificate_id": old.pk})
        programme = Programme.objects.get(pk=old.programme_id)
        new = _create(participant=old.participant, programme=programme,
                      portfolio=Portfolio.objects.get(pk=old.portfolio_id),
                      holder_name=holder_name, now=now, replaces=old, states=_States(
                          award_name=old.award_name, provider_name=old.provider_name,
                          provider_accreditation=old.provider_accreditation, levels=old.levels,
                          supervision_hours=old.supervision_hours,
                          own_supervisor=old.own_supervisor))
        log_action(actor, "certificates.certificate.reissued", new, before=before,
                   after=snapshot(new), reason=reason)
        events.emit(events.CERTIFICATE_ISSUED, {"certificate_id": new.pk})
        _email_issued(new, "certificates/email/reissued.txt")
        return new


# --- credentials -----------------------------------------------------------------------------


def _confirmation_with_badge(code: str) -> AttendanceConfirmation | None:
    """The confirmation with this code, if its provider makes confirmations Open Badges too."""
    return (AttendanceConfirmation.objects
            .filter(code=code, level__programme__provider__open_badges_for_confirmations=True)
            .first())


def has_credential(kind: str, code: str) -> bool:
    """Whether the document (of `lib.verification`'s kind) has an Open Badges credential:
    every certificate does; a confirmation where its provider chooses (one query)."""
    if kind == "certificate":
        return True
    if kind == "attendance_confirmation":
        return _confirmation_with_badge(code) is not None
    return False


def credential_of(code: str, *, now: dt.datetime | None = None) -> dict[str, Any] | None:
    """The signed credential of the document with this code: a certificate's as issued; a
    confirmation's built from its record (its status list position given on first request)."""
    stored = Certificate.objects.filter(code=code).values_list("credential", "holder_name").first()
    if stored is not None:
        # A holder whose data was erased: the credential as signed names them, so it is no
        # longer published (their own copy still verifies: the key and status list stay).
        return None if stored[1] == ERASED_HOLDER else stored[0]  # type: ignore[no-any-return]
    confirmation = _confirmation_with_badge(code)
    if confirmation is None:
        return None
    index = confirmation_status_index(confirmation, now=now)
    return openbadges.confirmation_credential(confirmation, status_index=index)
