"""bench/checks.py: what the booking rush checks in the database afterwards."""

from __future__ import annotations

import pytest

from bench.checks import RushOutcome, SavedBooking, booked_once, deliveries, half_saved, number_run


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


def test_every_email_received_once_by_its_recipient_is_delivered_exactly_once() -> None:
    found = deliveries({"<a@x>": ["pat@example.org"], "<b@x>": ["sam@example.org"]},
                       [("<a@x>", ["pat@example.org"], 10.0), ("<b@x>", ["sam@example.org"], 12.5),
                        ("<other@x>", ["someone@example.org"], 99.0)])

    assert found.exactly_once
    assert (found.expected, found.lost, found.duplicated, found.last_at) == (2, [], {}, 12.5)


def test_an_email_never_received_is_lost() -> None:
    found = deliveries({"<a@x>": ["pat@example.org"], "<b@x>": ["sam@example.org"]},
                       [("<a@x>", ["pat@example.org"], 10.0)])

    assert found.lost == ["<b@x>"]
    assert not found.exactly_once


def test_an_email_received_twice_is_counted_as_one_extra_copy() -> None:
    found = deliveries({"<a@x>": ["pat@example.org"]},
                       [("<a@x>", ["pat@example.org"], 1.0), ("<a@x>", ["pat@example.org"], 2.0)])

    assert found.duplicated == {"<a@x>": 2}
    assert found.extra_copies == 1
    assert not found.exactly_once


def test_an_email_received_by_someone_else_is_misaddressed() -> None:
    found = deliveries({"<a@x>": ["pat@example.org"]}, [("<a@x>", ["sam@example.org"], 1.0)])

    assert found.misaddressed == ["<a@x>"]
    assert not found.exactly_once


def test_a_seat_with_its_invoice_and_email_and_a_place_in_line_with_its_email_are_whole() -> None:
    assert half_saved([SavedBooking(1, has_seat=True, invoices=1, emails=1),
                       SavedBooking(2, has_seat=False, invoices=0, emails=1)]) == []


def test_a_seat_without_its_invoice_or_with_two_emails_is_half_saved() -> None:
    problems = half_saved([SavedBooking(1, has_seat=True, invoices=0, emails=1),
                           SavedBooking(2, has_seat=False, invoices=0, emails=2),
                           SavedBooking(3, has_seat=False, invoices=1, emails=1)])

    assert problems == ["participant 1: a seat with 0 invoices and 1 emails",
                        "participant 2: waitlisted with 0 invoices and 2 emails",
                        "participant 3: waitlisted with 1 invoices and 1 emails"]


def test_everyone_who_submitted_has_exactly_one_booking() -> None:
    bookings = [SavedBooking(1, True, 1, 1), SavedBooking(2, False, 0, 1),
                SavedBooking(2, False, 0, 1)]

    found = booked_once([1, 2, 3], bookings)

    assert (found.missing, found.doubled) == ([3], [2])
    assert not found.ok
    assert booked_once([1], bookings[:1]).ok
