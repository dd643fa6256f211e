"""Reading certificates and where a participant stands on their way to one.

- `pathway_of(participant, programme)`: the certificate's requirements as they stand for this
  person, as `coursework.rules.Pathway` (judged by `coursework.rules.certificate_missing`), in a
  fixed number of queries. `standing_of` is the same with the rows a certificate copies.
- `certificate_of(participant, programme)`: their standing certificate, if any.
- `document_by_code(code)`: what the public page shows, of any kind of document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet

from trainingdesk.accounts.models import User
from trainingdesk.admissions.models import Application
from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.catalogue.models import CourseRun, CourseworkComponent, Level, Programme
from trainingdesk.certificates.models import Certificate
from trainingdesk.coursework.models import Portfolio, PortfolioStatus
from trainingdesk.coursework.rules import Pathway, certificate_missing
from trainingdesk.coursework.services import done_elsewhere
from trainingdesk.lib.verification import CODE_ALPHABET, VerifiedDocument, find, normalise_code
from trainingdesk.supervision.models import Allocation, OwnSupervisor
from trainingdesk.supervision.services import minutes_present

__all__ = ["CODE_ALPHABET", "Standing", "certificate_of", "certificates_of_run", "document_by_code",
           "normalise_code", "pathway_of", "standing_of"]


def document_by_code(code: str) -> VerifiedDocument | None:
    """What the public page shows of the document with this code, or None."""
    return find(code)


@dataclass(frozen=True)
class LevelHeld:
    """A certificate level, and how the person did it: with us (their Attendance Confirmation),
    or with another provider, accepted as equivalent on an approved application (`equivalent`)."""

    level: Level
    confirmation: AttendanceConfirmation | None
    equivalent: Application | None = None

    @property
    def done(self) -> bool:
        return self.confirmation is not None or self.equivalent is not None


@dataclass(frozen=True)
class Standing:
    """Where a participant stands: the rule's `Pathway`, and the rows a certificate copies."""

    pathway: Pathway
    levels: list[LevelHeld]  # the programme's certificate levels, in order
    portfolio: Portfolio | None  # the passed coursework the certificate is issued on

    @property
    def missing(self) -> list[str]:
        return certificate_missing(self.pathway)


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def standing_of(participant: User, programme: Programme) -> Standing:
    """Six queries, whatever the person has done: the certificate levels (with whether each has
    coursework), the person's standing confirmations of them, the levels they did elsewhere that
    count (where the programme lets them), their passed portfolios, their supervision allocations
    and the minutes marked present, and their own supervisor.

    The first certificate level is the pathway's first (Foundation); every later one counts as
    its second (Advanced). Coursework is passed when every certificate level with coursework has
    a passed portfolio (a programme whose levels have none cannot issue a certificate: there is
    no coursework to issue it on). Supervision counts the programme's levels' bookings."""
    levels = list(programme.certificate_levels.order_by("position", "pk").annotate(
        has_coursework=Exists(CourseworkComponent.objects.filter(level=OuterRef("pk")))))
    confirmations: dict[int, AttendanceConfirmation] = {}
    for confirmation in (AttendanceConfirmation.objects
                         .filter(participant=participant, level__in=levels, revoked_at__isnull=True)
                         .order_by("last_date", "pk")):
        confirmations[confirmation.level_id] = confirmation  # the newest of each level
    coursework_levels = [level.pk for level in levels if level.has_coursework]  # type: ignore[attr-defined]
    passed = {portfolio.level_id: portfolio for portfolio in Portfolio.objects.filter(
        participant=participant, level__in=coursework_levels, status=PortfolioStatus.PASSED)}
    allocations = list(Allocation.objects.filter(booking__participant=participant,
                                                 booking__run__level__programme=programme))
    minutes = sum(minutes_present(allocations).values()) if allocations else 0
    own = (programme.certificate_accepts_own_supervisor
           and OwnSupervisor.objects.filter(booking__participant=participant,
                                            booking__run__level__programme=programme).exists())
    elsewhere = done_elsewhere(programme, [participant.pk], levels)
    held = [LevelHeld(level, confirmations.get(level.pk),
                      None if level.pk in confirmations else elsewhere.get((participant.pk, level.pk)))
            for level in levels]
    portfolio = None
    if coursework_levels and all(pk in passed for pk in coursework_levels):
        portfolio = max((passed[pk] for pk in coursework_levels),
                        key=lambda p: p.passed_at or dt.datetime.min.replace(tzinfo=dt.UTC))
    pathway = Pathway(
        foundation_confirmed=bool(held) and held[0].done,
        advanced_confirmed=len(held) > 1 and all(h.done for h in held[1:]),
        supervision_hours=_hours(minutes),
        supervision_hours_required=programme.certificate_supervision_hours,
        own_supervisor_recorded=own,
        coursework_passed=portfolio is not None,
    )
    return Standing(pathway=pathway, levels=held, portfolio=portfolio)


def pathway_of(participant: User, programme: Programme) -> Pathway:
    """The certificate's requirements as they stand for this person (`coursework.rules`)."""
    return standing_of(participant, programme).pathway


def certificate_of(participant: User, programme: Programme) -> Certificate | None:
    """The person's standing certificate of the programme, if they hold one."""
    return (Certificate.objects.standing().for_display()
            .filter(participant=participant, programme=programme).first())


def certificates_of_run(run: CourseRun) -> QuerySet[Certificate]:
    """The standing certificates issued on the coursework of the run's level to the people whose
    Attendance Confirmation of that level came from a booking on this run: one query."""
    from_this_run = AttendanceConfirmation.objects.filter(booking__run=run).values("participant_id")
    return (Certificate.objects.standing().for_display()
            .filter(portfolio__level_id=run.level_id, participant_id__in=from_this_run)
            .order_by("holder_name", "pk"))
