"""Admission to a level, as the brochure's "Entry Requirements" state it, decided by pure
functions: no database, every reason at once.

A level's rules are data on the level (`AdmissionRules.of(level)`); what a person brings is
`Evidence`. `assess` returns a `Finding` for every rule (met, a warning that never refuses, unmet,
or needs a person to judge), and `verdict` turns them into what happens to the application:
approved by the records, refused with its reasons, or sent to the coordinator.

The reference day is the first day of the run applied for (or, applying for the level without a
run, the day of applying): "Foundation completed within the previous 2 years" is counted back
from it, calendar months, so 29 February counts back to 28 February.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

if TYPE_CHECKING:
    from trainingdesk.catalogue.models import Level


class Outcome(StrEnum):
    MET = "met"
    WARNING = "warning"  # recommended, not required: never refuses
    UNMET = "unmet"
    NEEDS_PERSON = "needs_person"  # the coordinator judges it


class Rule(StrEnum):
    PREREQUISITE = "prerequisite"
    WINDOW = "window"
    GAP = "gap"
    REGISTRATION = "registration"


class Verdict(StrEnum):
    APPROVE = "approve"
    REFUSE = "refuse"
    REVIEW = "review"


@dataclass(frozen=True)
class AdmissionRules:
    level_name: str
    prerequisite_name: str | None
    within_months: int | None
    external_accepted: bool
    recommended_gap_months: int | None
    requires_registration: bool
    accepted_bodies: tuple[str, ...]  # codes, e.g. ("HCPC", "UKCP")
    covering_letter_accepted: bool

    @classmethod
    def of(cls, level: Level, accepted_bodies: tuple[str, ...]) -> AdmissionRules:
        prerequisite = level.prerequisite
        return cls(
            level_name=level.name,
            prerequisite_name=prerequisite.name if prerequisite else None,
            within_months=level.prerequisite_within_months,
            external_accepted=level.external_prerequisite_accepted,
            recommended_gap_months=level.recommended_gap_months,
            requires_registration=level.requires_professional_registration,
            accepted_bodies=accepted_bodies,
            covering_letter_accepted=level.covering_letter_accepted,
        )


@dataclass(frozen=True)
class Evidence:
    """What the person brings. `own_completed_on`: the last day of our Attendance Confirmation
    for the prerequisite (a make-up day included); `external_completed_on`: a Level 1 elsewhere,
    as entered, with `external_evidence` whether a confirmation was uploaded.
    `registration_body`: the code of the body they are registered with, and
    `registration_number_ok` whether the number is in that body's format (None: the body has no
    published format)."""

    reference_day: dt.date
    own_completed_on: dt.date | None = None
    external_completed_on: dt.date | None = None
    external_evidence: bool = False
    registration_body: str | None = None
    registration_number_ok: bool | None = None
    covering_letter: bool = False

    @property
    def completed_on(self) -> dt.date | None:
        """The completion the rules judge: our own record first, else the one entered."""
        return self.own_completed_on or self.external_completed_on


@dataclass(frozen=True)
class Finding:
    rule: Rule
    outcome: Outcome
    message: str


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def window_starts(rules: AdmissionRules, reference_day: dt.date) -> dt.date | None:
    """The earliest completion the window accepts (inclusive), or None when there is no window."""
    if rules.within_months is None:
        return None
    return reference_day - relativedelta(months=rules.within_months)


def _years_or_months(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return "1 year" if years == 1 else f"{years} years"
    return "1 month" if months == 1 else f"{months} months"


def _prerequisite(rules: AdmissionRules, evidence: Evidence) -> list[Finding]:
    name = rules.prerequisite_name
    if name is None:
        return []
    found: list[Finding] = []
    completed = evidence.completed_on
    if evidence.own_completed_on is not None:
        found.append(Finding(Rule.PREREQUISITE, Outcome.MET,
                             f"{name} completed with us on {_date(evidence.own_completed_on)}."))
    elif evidence.external_completed_on is not None:
        if not rules.external_accepted:
            found.append(Finding(Rule.PREREQUISITE, Outcome.UNMET,
                                 f"{name} must be completed with us: an equivalent from another "
                                 "provider is not accepted for this level."))
            return found
        if not evidence.external_evidence:
            found.append(Finding(Rule.PREREQUISITE, Outcome.UNMET,
                                 f"Upload your attendance confirmation for the {name} level you "
                                 "completed elsewhere."))
        else:
            found.append(Finding(Rule.PREREQUISITE, Outcome.NEEDS_PERSON,
                                 f"An equivalent of {name} completed elsewhere on "
                                 f"{_date(evidence.external_completed_on)}: the coordinator checks "
                                 "your confirmation."))
    else:
        found.append(Finding(Rule.PREREQUISITE, Outcome.UNMET,
                             f"{name} is needed first: we hold no record of it"
                             + (", and none was entered from another provider."
                                if rules.external_accepted else ".")))
        return found
    assert completed is not None
    if completed >= evidence.reference_day:
        found.append(Finding(Rule.WINDOW, Outcome.UNMET,
                             f"{name} must be completed before {_date(evidence.reference_day)}, "
                             "the first day of this level."))
        return found
    starts = window_starts(rules, evidence.reference_day)
    if starts is not None and rules.within_months is not None:
        span = _years_or_months(rules.within_months)
        if completed < starts:
            found.append(Finding(Rule.WINDOW, Outcome.UNMET,
                                 f"{name} must be completed within the {span} before "
                                 f"{_date(evidence.reference_day)} (on or after {_date(starts)}); "
                                 f"yours was completed on {_date(completed)}."))
        else:
            found.append(Finding(Rule.WINDOW, Outcome.MET,
                                 f"Completed within the {span} before {_date(evidence.reference_day)}."))
    gap = rules.recommended_gap_months
    if gap:
        recommended_from = completed + relativedelta(months=gap)
        if evidence.reference_day < recommended_from:
            found.append(Finding(Rule.GAP, Outcome.WARNING,
                                 f"We recommend {_years_or_months(gap)} between {name} and "
                                 f"{rules.level_name} (from {_date(recommended_from)}), to put "
                                 "it into practice first. This is a recommendation, not a "
                                 "requirement."))
        else:
            found.append(Finding(Rule.GAP, Outcome.MET,
                                 f"At least {_years_or_months(gap)} since {name}, as recommended."))
    return found


def _registration(rules: AdmissionRules, evidence: Evidence) -> list[Finding]:
    if not rules.requires_registration:
        return []
    body = evidence.registration_body
    if body and (not rules.accepted_bodies or body in rules.accepted_bodies):
        if evidence.registration_number_ok is False:
            return [Finding(Rule.REGISTRATION, Outcome.UNMET,
                            f"That {body} registration number is not in {body}'s format.")]
        if evidence.registration_number_ok is None:
            return [Finding(Rule.REGISTRATION, Outcome.NEEDS_PERSON,
                            f"Registered with {body}: the coordinator checks the number.")]
        return [Finding(Rule.REGISTRATION, Outcome.MET, f"Registered with {body}.")]
    accepted = ", ".join(rules.accepted_bodies)
    if evidence.covering_letter and rules.covering_letter_accepted:
        return [Finding(Rule.REGISTRATION, Outcome.NEEDS_PERSON,
                        "A covering letter about your experience with children, young people and "
                        "families: the coordinator reads it.")]
    letter = (" or send a covering letter about your experience with children, young people and "
              "families" if rules.covering_letter_accepted else "")
    other = f" ({body} is not one of them)" if body else ""
    return [Finding(Rule.REGISTRATION, Outcome.UNMET,
                    f"Give your registration with a professional body ({accepted}){other}{letter}.")]


def assess(rules: AdmissionRules, evidence: Evidence) -> list[Finding]:
    """Every rule of the level judged against the evidence, in the brochure's order."""
    return [*_prerequisite(rules, evidence), *_registration(rules, evidence)]


def verdict(findings: list[Finding]) -> Verdict:
    """Refused when a rule is unmet; for the coordinator when one needs a person; else approved
    (warnings never refuse)."""
    outcomes = {f.outcome for f in findings}
    if Outcome.UNMET in outcomes:
        return Verdict.REFUSE
    if Outcome.NEEDS_PERSON in outcomes:
        return Verdict.REVIEW
    return Verdict.APPROVE


def valid_for(rules: AdmissionRules, completed_on: dt.date | None, first_day: dt.date) -> bool:
    """Whether an approval still admits to a run starting on `first_day`: its prerequisite must
    still fall within the window counted back from that run's first day."""
    if completed_on is None:
        return rules.prerequisite_name is None
    starts = window_starts(rules, first_day)
    return completed_on < first_day and (starts is None or completed_on >= starts)
