"""The coursework's rules, without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from trainingdesk.coursework.rules import (
    Component,
    Pathway,
    WordLimit,
    certificate_missing,
    deadline,
    submission_problems,
    time_left,
)

CASE_STUDY = WordLimit(2000, 10)


@pytest.mark.parametrize(("words", "ok"), [
    (1799, False), (1800, True), (2000, True), (2200, True), (2201, False),
])
def test_a_case_study_is_within_10_percent_of_2000_words_inclusive(words, ok):
    assert (CASE_STUDY.problem(words) is None) is ok


def test_the_messages_say_the_limit():
    assert CASE_STUDY.problem(1500) == ("1,500 words: at least 1,800 are needed (2,000 words, "
                                        "10% either side).")
    assert "at most 2,200 are allowed" in CASE_STUDY.problem(2500)


def test_the_tolerance_is_configuration():
    assert (WordLimit(3000, 5).lowest, WordLimit(3000, 5).highest) == (2850, 3150)


def test_coursework_is_due_12_months_after_the_advanced_level_plus_any_extension():
    assert deadline(dt.date(2023, 3, 11), months=12) == dt.date(2024, 3, 11)
    assert deadline(dt.date(2023, 2, 28), months=12) == dt.date(2024, 2, 28)
    assert deadline(dt.date(2024, 2, 29), months=12) == dt.date(2025, 2, 28)
    assert deadline(dt.date(2023, 3, 11), months=12, extensions_days=(30, 14)) == dt.date(2024, 4, 24)


def test_the_time_left_reads_as_a_person_would_say_it():
    due = dt.date(2024, 3, 11)
    assert time_left(due, dt.date(2024, 3, 10)) == "1 day left."
    assert time_left(due, dt.date(2024, 3, 11)) == "The deadline is today."
    assert time_left(due, dt.date(2024, 3, 13)) == "The deadline passed 2 days ago."


def test_every_reason_not_to_submit_is_given_at_once():
    components = [
        Component("Case study 1", True, 1700, CASE_STUDY),
        Component("Case study 2", False, limit=CASE_STUDY),
        Component("Reflective log", True),
        Component("Required reading confirmed", False),
    ]
    problems = submission_problems(components, today=dt.date(2024, 3, 12), due=dt.date(2024, 3, 11))
    assert problems == [
        "Case study 1: 1,700 words: at least 1,800 are needed (2,000 words, 10% either side).",
        "Case study 2: not there yet.",
        "Required reading confirmed: not there yet.",
        "The deadline has passed: ask the coordinator for an extension.",
    ]
    complete = [Component("Case study 1", True, 2000, CASE_STUDY), Component("Log", True)]
    assert submission_problems(complete, today=dt.date(2024, 3, 11), due=dt.date(2024, 3, 11)) == []


def test_the_certificate_needs_both_levels_supervision_or_a_supervisor_and_coursework():
    done = Pathway(True, True, Decimal(12), 12, False, True)
    assert certificate_missing(done) == []
    own = Pathway(True, True, Decimal(0), 12, True, True)
    assert certificate_missing(own) == []
    short = Pathway(True, False, Decimal(8), 12, False, False)
    assert certificate_missing(short) == [
        "The Advanced Level's Attendance Confirmation.",
        "12 hours of group supervision (8 so far), or your own supervisor recorded.",
        "The coursework, passed.",
    ]
