"""The format of each body's registration numbers, as seeded (`accounts/bodies.py`), checked by
`ProfessionalBody.number_problem`, the one home of that rule. No database: the bodies are built
from the seed in memory."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from trainingdesk.accounts.bodies import PUBLISHED_BODIES
from trainingdesk.accounts.models import ProfessionalBody, with_article


def body(code: str) -> ProfessionalBody:
    [seed] = [b for b in PUBLISHED_BODIES if b["code"] == code]
    return ProfessionalBody(**seed)


GOOD = [
    ("HCPC", "PYL12345"), ("HCPC", "SW123456"), ("HCPC", "OT12345"), ("HCPC", "pyl 12345"),
    ("HCPC", "AS1234"),
    ("NMC", "12A3456E"), ("NMC", "12a3456e"), ("NMC", "12A 3456E"),
    ("GMC", "1234567"), ("GMC", " 7654321 "),
    ("SWE", "SW123456"), ("SWE", "SW1"), ("SWE", "sw 12345"),
    ("UKCP", "20110042"), ("UKCP", "2011 0042"), ("UKCP", "1234"),
    ("BACP", "123456"), ("BACP", "00123456"),
]
BAD = [
    ("HCPC", "12345"), ("HCPC", "PYL123"), ("HCPC", "PYL1234567"), ("HCPC", "P12345"),
    ("HCPC", "PYLX12345"), ("HCPC", "PYL-12345"), ("HCPC", ""),
    ("NMC", "12A3456"), ("NMC", "1A23456E"), ("NMC", "12345678"), ("NMC", "12A3456EE"),
    ("GMC", "123456"), ("GMC", "12345678"), ("GMC", "GMC1234567"),
    ("SWE", "SW"), ("SWE", "SW1234567"), ("SWE", "123456"), ("SWE", "PYL12345"),
    ("UKCP", "123"), ("UKCP", "123456789"), ("UKCP", "UKCP1234"),
    ("BACP", "12-3456"), ("BACP", "abc123"),
]


@pytest.mark.parametrize(("code", "number"), GOOD)
def test_a_number_in_the_bodys_format_is_accepted(code: str, number: str) -> None:
    assert body(code).number_problem(number) is None


@pytest.mark.parametrize(("code", "number"), BAD)
def test_a_number_not_in_the_bodys_format_is_refused(code: str, number: str) -> None:
    assert body(code).number_problem(number)


@pytest.mark.parametrize(("code", "message"), [
    ("HCPC", "An HCPC number looks like PYL12345."),
    ("NMC", "An NMC number looks like 12A3456E."),
    ("GMC", "A GMC number looks like 1234567."),
    ("UKCP", "A UKCP number looks like 20110042."),
    ("BACP", "A BACP number looks like 123456."),
    ("SWE", "A Social Work England number looks like SW123456."),
])
def test_the_refusal_names_the_body_and_its_example(code: str, message: str) -> None:
    assert body(code).number_problem("nonsense") == message


def test_every_seeded_example_is_in_its_own_format() -> None:
    for seed in PUBLISHED_BODIES:
        made = ProfessionalBody(**seed)
        made.clean()
        assert made.number_problem(seed["number_example"]) is None


def test_another_body_accepts_any_number_with_its_spacing_tidied() -> None:
    other = body("OTHER")
    assert other.is_other
    assert other.number_problem("x-1 / whatever") is None
    assert other.normalise_number("  ab   12 ") == "ab 12"


def test_a_number_is_written_as_the_body_writes_it() -> None:
    assert body("HCPC").normalise_number(" pyl 123 45 ") == "PYL12345"
    assert body("NMC").normalise_number("12a 3456e") == "12A3456E"


def test_a_body_without_an_example_still_says_the_number_is_not_in_its_format() -> None:
    made = ProfessionalBody(code="PSA", name="Professional Standards Authority",
                            number_pattern=r"\d{3}")
    assert made.number_problem("1234") == (
        "This is not in the format of Professional Standards Authority numbers.")
    assert made.number_problem("123") is None  # the whole number must match, anchors or not


def test_a_format_needs_an_example_that_matches_it() -> None:
    with pytest.raises(ValidationError) as refused:
        ProfessionalBody(code="PSA", name="PSA", number_pattern=r"^\d{3}$", number_example="12").clean()
    assert "number_example" in refused.value.message_dict
    with pytest.raises(ValidationError):
        ProfessionalBody(code="PSA", name="PSA", number_pattern=r"^\d{3}$").clean()


def test_a_pattern_that_is_not_a_regular_expression_is_refused() -> None:
    made = ProfessionalBody(code="PSA", name="PSA", number_pattern="^[A-Z", number_example="A")
    with pytest.raises(ValidationError) as refused:
        made.clean_fields()
    assert "number_pattern" in refused.value.message_dict
    made.clean()  # leaves the pattern to its field's validator rather than crashing


@pytest.mark.parametrize(("name", "expected"), [
    ("HCPC", "An HCPC"), ("NMC", "An NMC"), ("UKCP", "A UKCP"), ("GMC", "A GMC"),
    ("Social Work England", "A Social Work England"), ("Irish Association", "An Irish Association"),
])
def test_a_body_is_named_with_the_article_it_is_said_with(name: str, expected: str) -> None:
    assert with_article(name) == expected
