"""The Advanced level's entry requirements, as pure functions: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from trainingdesk.admissions.rules import (
    AdmissionRules,
    Evidence,
    Outcome,
    Rule,
    Verdict,
    assess,
    valid_for,
    verdict,
)

ADVANCED = AdmissionRules(
    level_name="Advanced", prerequisite_name="Foundation", within_months=24,
    external_accepted=True, recommended_gap_months=12, requires_registration=True,
    accepted_bodies=("HCPC", "UKCP", "BACP", "NMC", "GMC", "SWE"), covering_letter_accepted=True,
)
FIRST_DAY = dt.date(2024, 3, 5)  # the run's first day: the reference


def outcomes(evidence: Evidence, rules: AdmissionRules = ADVANCED) -> dict[Rule, Outcome]:
    return {f.rule: f.outcome for f in assess(rules, evidence)}


def registered(**kwargs: object) -> Evidence:
    return Evidence(reference_day=FIRST_DAY, registration_body="HCPC", registration_number_ok=True,
                    **kwargs)  # type: ignore[arg-type]


def test_our_foundation_a_year_and_more_before_and_a_registration_admit_automatically():
    evidence = registered(own_completed_on=dt.date(2023, 1, 10))
    assert outcomes(evidence) == {Rule.PREREQUISITE: Outcome.MET, Rule.WINDOW: Outcome.MET,
                                  Rule.GAP: Outcome.MET, Rule.REGISTRATION: Outcome.MET}
    assert verdict(assess(ADVANCED, evidence)) == Verdict.APPROVE


@pytest.mark.parametrize(("completed", "window"), [
    (dt.date(2022, 3, 5), Outcome.MET),  # exactly 2 years before the first day
    (dt.date(2022, 3, 4), Outcome.UNMET),  # a day more
    (dt.date(2024, 3, 4), Outcome.MET),  # the day before
    (dt.date(2024, 3, 5), Outcome.UNMET),  # on the first day itself
    (dt.date(2024, 6, 1), Outcome.UNMET),  # after it
])
def test_the_window_is_counted_back_from_the_run_s_first_day(completed, window):
    assert outcomes(registered(own_completed_on=completed))[Rule.WINDOW] == window


def test_29_february_counts_back_to_28_february():
    leap = Evidence(reference_day=dt.date(2028, 2, 29), own_completed_on=dt.date(2026, 2, 28),
                    registration_body="HCPC", registration_number_ok=True)
    assert outcomes(leap)[Rule.WINDOW] == Outcome.MET
    earlier = Evidence(reference_day=dt.date(2028, 2, 29), own_completed_on=dt.date(2026, 2, 27),
                       registration_body="HCPC", registration_number_ok=True)
    assert outcomes(earlier)[Rule.WINDOW] == Outcome.UNMET
    # Two years back from 28 February 2026 is 28 February 2024: the 29th is inside, the 27th not.
    for completed, window in ((dt.date(2024, 2, 29), Outcome.MET), (dt.date(2024, 2, 27), Outcome.UNMET)):
        evidence = Evidence(reference_day=dt.date(2026, 2, 28), own_completed_on=completed,
                            registration_body="HCPC", registration_number_ok=True)
        assert outcomes(evidence)[Rule.WINDOW] == window


def test_less_than_the_recommended_gap_warns_and_never_refuses():
    soon = registered(own_completed_on=dt.date(2023, 9, 1))
    findings = assess(ADVANCED, soon)
    gap = next(f for f in findings if f.rule == Rule.GAP)
    assert gap.outcome == Outcome.WARNING
    assert "We recommend 1 year between Foundation and Advanced (from 1 September 2024)" in gap.message
    assert verdict(findings) == Verdict.APPROVE


def test_a_foundation_completed_with_a_make_up_day_counts_from_the_make_up_day():
    # The last day was made up on a later run: the completion is that day, not the run's last.
    assert outcomes(registered(own_completed_on=dt.date(2022, 3, 10)))[Rule.WINDOW] == Outcome.MET


def test_an_old_foundation_is_refused_with_its_dates():
    findings = assess(ADVANCED, registered(own_completed_on=dt.date(2021, 6, 23)))
    assert verdict(findings) == Verdict.REFUSE
    window = next(f for f in findings if f.rule == Rule.WINDOW)
    assert window.message == ("Foundation must be completed within the 2 years before 5 March 2024 "
                              "(on or after 5 March 2022); yours was completed on 23 June 2021.")


def test_every_reason_is_given_at_once():
    nothing = Evidence(reference_day=FIRST_DAY)
    assert outcomes(nothing) == {Rule.PREREQUISITE: Outcome.UNMET, Rule.REGISTRATION: Outcome.UNMET}


def test_a_level_1_elsewhere_needs_its_evidence_then_a_person():
    without = registered(external_completed_on=dt.date(2023, 1, 1))
    assert outcomes(without)[Rule.PREREQUISITE] == Outcome.UNMET
    with_evidence = registered(external_completed_on=dt.date(2023, 1, 1), external_evidence=True)
    assert outcomes(with_evidence)[Rule.PREREQUISITE] == Outcome.NEEDS_PERSON
    assert verdict(assess(ADVANCED, with_evidence)) == Verdict.REVIEW
    closed = AdmissionRules(**{**ADVANCED.__dict__, "external_accepted": False})
    assert outcomes(with_evidence, closed)[Rule.PREREQUISITE] == Outcome.UNMET


def test_a_covering_letter_stands_in_for_registration_for_a_person_to_judge():
    letter = Evidence(reference_day=FIRST_DAY, own_completed_on=dt.date(2023, 1, 1),
                      covering_letter=True)
    assert outcomes(letter)[Rule.REGISTRATION] == Outcome.NEEDS_PERSON
    assert verdict(assess(ADVANCED, letter)) == Verdict.REVIEW
    no_letters = AdmissionRules(**{**ADVANCED.__dict__, "covering_letter_accepted": False})
    assert outcomes(letter, no_letters)[Rule.REGISTRATION] == Outcome.UNMET


@pytest.mark.parametrize(("body", "number_ok", "outcome"), [
    ("HCPC", True, Outcome.MET),
    ("HCPC", False, Outcome.UNMET),  # not in HCPC's format
    ("UKCP", None, Outcome.NEEDS_PERSON),  # a body with no published format
    ("ACME", True, Outcome.UNMET),  # not a body the level accepts
])
def test_a_registration_is_judged_by_its_body_and_the_number_s_format(body, number_ok, outcome):
    evidence = Evidence(reference_day=FIRST_DAY, own_completed_on=dt.date(2023, 1, 1),
                        registration_body=body, registration_number_ok=number_ok)
    assert outcomes(evidence)[Rule.REGISTRATION] == outcome


def test_a_level_without_rules_admits_everyone():
    open_level = AdmissionRules("Foundation", None, None, False, None, False, (), False)
    assert assess(open_level, Evidence(reference_day=FIRST_DAY)) == []
    assert verdict([]) == Verdict.APPROVE


def test_an_approval_admits_to_runs_whose_first_day_keeps_the_prerequisite_in_its_window():
    completed = dt.date(2022, 6, 23)
    assert valid_for(ADVANCED, completed, dt.date(2024, 6, 23))
    assert not valid_for(ADVANCED, completed, dt.date(2024, 6, 24))
    assert not valid_for(ADVANCED, completed, dt.date(2022, 6, 23))
