"""bench/checks.py: what the booking rush checks in the database afterwards."""

from __future__ import annotations

import pytest

from bench.checks import RushOutcome, number_run


def test_numbers_issued_one_after_another_are_gapless() -> None:
    run = number_run(["INV-000003", "INV-000001", "INV-000002"], "INV-")

    assert (run.count, run.first, run.last) == (3, 1, 3)
    assert run.gapless


def test_a_number_never_issued_is_a_gap() -> None:
    run = number_run(["INV-000001", "INV-000002", "INV-000005"], "INV-")

    assert run.missing == [3, 4]
    assert not run.gapless


def test_a_number_issued_twice_breaks_the_series() -> None:
    run = number_run(["INV-000001", "INV-000002", "INV-000002"], "INV-")

    assert run.duplicated == [2]
    assert not run.gapless


def test_no_numbers_are_gapless_and_have_no_range() -> None:
    assert number_run([], "INV-") == number_run([], "CN-")
    assert number_run([], "INV-").gapless


def test_a_number_of_another_series_is_refused() -> None:
    with pytest.raises(ValueError, match="CN-000001"):
        number_run(["INV-000001", "CN-000001"], "INV-")


def test_a_run_filled_exactly_with_the_rest_in_line_has_no_problems() -> None:
    outcome = RushOutcome(capacity=100, participants=400, confirmed=100, waitlisted=300)

    assert outcome.oversold == 0
    assert outcome.problems == []


def test_one_seat_too_many_is_oversold() -> None:
    outcome = RushOutcome(capacity=100, participants=400, confirmed=101, waitlisted=299)

    assert outcome.oversold == 1
    assert outcome.problems == ["101 confirmed, not 100", "299 waitlisted, not 300"]


def test_seats_left_empty_while_people_wait_is_a_problem_though_not_oversold() -> None:
    outcome = RushOutcome(capacity=100, participants=400, confirmed=98, waitlisted=300)

    assert outcome.oversold == 0
    assert outcome.problems == ["98 confirmed, not 100"]


def test_fewer_participants_than_seats_all_get_one() -> None:
    assert RushOutcome(capacity=100, participants=40, confirmed=40, waitlisted=0).problems == []
