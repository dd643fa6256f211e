"""The pure pricing rules: discounts, VAT after discount, refunds by notice. No database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from trainingdesk.bookings.pricing import (
    Discount,
    booking_price,
    discount_amount,
    discount_refusal,
    refund_percent,
    retained_amount,
)

TODAY = dt.date(2027, 3, 1)
FOUNDATION = 1
ADVANCED = 2


def code(**changes: object) -> Discount:
    fields: dict[str, object] = {
        "code": "EARLY10", "percent_off": Decimal("10"), "amount_off": None, "valid_until": None,
        "max_uses": None, "times_used": 0, "level_id": None,
    }
    fields.update(changes)
    return Discount(**fields)  # type: ignore[arg-type]


# --- discount_refusal ------------------------------------------------------------------------

def test_an_unknown_code_is_refused_in_plain_words():
    assert discount_refusal(None, today=TODAY, level_id=FOUNDATION) == (
        "We do not recognise that discount code. Check it and try again.")


def test_a_code_is_usable_on_its_last_valid_day():
    assert discount_refusal(code(valid_until=TODAY), today=TODAY, level_id=FOUNDATION) is None


def test_an_expired_code_is_refused_with_its_expiry_date():
    refusal = discount_refusal(code(valid_until=TODAY - dt.timedelta(days=1)), today=TODAY,
                               level_id=FOUNDATION)
    assert refusal == "The discount code EARLY10 expired on 28 February 2027."


@pytest.mark.parametrize(("max_uses", "times_used", "refused"), [
    (5, 4, False), (5, 5, True), (5, 6, True), (None, 1000, False), (0, 0, True),
])
def test_a_used_up_code_is_refused(max_uses, times_used, refused):
    refusal = discount_refusal(code(max_uses=max_uses, times_used=times_used), today=TODAY,
                               level_id=FOUNDATION)
    assert (refusal == "The discount code EARLY10 has been used up.") is refused
    assert (refusal is None) is not refused


def test_a_code_for_another_level_is_refused():
    refusal = discount_refusal(code(level_id=ADVANCED), today=TODAY, level_id=FOUNDATION)
    assert refusal == "The discount code EARLY10 cannot be used for this course."


def test_a_code_for_this_level_or_any_level_is_accepted():
    assert discount_refusal(code(level_id=FOUNDATION), today=TODAY, level_id=FOUNDATION) is None
    assert discount_refusal(code(level_id=None), today=TODAY, level_id=ADVANCED) is None


# --- discount_amount -------------------------------------------------------------------------

@pytest.mark.parametrize(("unit_net", "discount", "expected"), [
    (Decimal("660"), None, Decimal("0.00")),
    (Decimal("660"), code(percent_off=Decimal("10")), Decimal("66.00")),
    (Decimal("660"), code(percent_off=Decimal("100")), Decimal("660.00")),
    (Decimal("660"), code(percent_off=Decimal("0")), Decimal("0.00")),
    (Decimal("660"), code(percent_off=None, amount_off=Decimal("50")), Decimal("50.00")),
    # Never more than the price itself.
    (Decimal("500"), code(percent_off=None, amount_off=Decimal("750")), Decimal("500.00")),
    # Rounded half-up to the penny: 12.5% of £0.99 is 12.375p; 33% of £10.05 is £3.3165.
    (Decimal("0.99"), code(percent_off=Decimal("12.5")), Decimal("0.12")),
    (Decimal("10.05"), code(percent_off=Decimal("33")), Decimal("3.32")),
    (Decimal("0.10"), code(percent_off=Decimal("25")), Decimal("0.03")),
])
def test_discount_amount(unit_net, discount, expected):
    assert discount_amount(unit_net, discount) == expected


# --- booking_price ---------------------------------------------------------------------------

def test_the_brochure_price_is_660_plus_132_vat_is_792():
    price = booking_price(Decimal("660"), Decimal("20"), None)
    assert (price.net, price.vat, price.gross) == (Decimal("660.00"), Decimal("132.00"),
                                                    Decimal("792.00"))


def test_vat_is_charged_on_the_price_after_the_discount():
    price = booking_price(Decimal("660"), Decimal("20"), code(percent_off=Decimal("10")))
    assert (price.net, price.vat, price.gross) == (Decimal("594.00"), Decimal("118.80"),
                                                    Decimal("712.80"))


def test_a_discount_of_the_whole_price_leaves_nothing_to_pay():
    price = booking_price(Decimal("500"), Decimal("20"), code(percent_off=None,
                                                             amount_off=Decimal("999")))
    assert (price.net, price.vat, price.gross) == (Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))


@pytest.mark.parametrize("unit_net", ["0.01", "0.03", "0.05", "1.99", "333.33", "499.99", "660"])
@pytest.mark.parametrize("percent_off", ["0", "7", "12.5", "33.33", "99"])
@pytest.mark.parametrize("rate", ["0", "5", "17.5", "20"])
def test_net_plus_vat_is_always_gross_to_the_penny(unit_net, percent_off, rate):
    price = booking_price(Decimal(unit_net), Decimal(rate), code(percent_off=Decimal(percent_off)))
    assert price.net + price.vat == price.gross
    assert price.net >= 0 and price.vat >= 0
    for amount in (price.net, price.vat, price.gross):
        assert amount == amount.quantize(Decimal("0.01"))


# --- refund_percent --------------------------------------------------------------------------

TERMS = [(28, Decimal("100")), (14, Decimal("50")), (0, Decimal("0"))]


@pytest.mark.parametrize(("terms", "days_notice", "expected"), [
    ([], 365, Decimal(0)),               # no terms: no refund
    (TERMS, 60, Decimal("100")),
    (TERMS, 28, Decimal("100")),         # exactly 28 days' notice is 28 days' notice
    (TERMS, 27, Decimal("50")),
    (TERMS, 14, Decimal("50")),
    (TERMS, 13, Decimal("0")),
    (TERMS, 0, Decimal("0")),
    (TERMS, -3, Decimal(0)),             # after the first day: no term met
    # The terms may come in any order: the one with the most notice that is met wins.
    (list(reversed(TERMS)), 30, Decimal("100")),
    ([(14, Decimal("50"))], 7, Decimal(0)),
])
def test_refund_percent_follows_the_terms(terms, days_notice, expected):
    assert refund_percent(terms, days_notice=days_notice) == expected


# --- retained_amount -------------------------------------------------------------------------

@pytest.mark.parametrize(("gross", "refund", "expected"), [
    (Decimal("792.00"), Decimal("100"), Decimal("0.00")),
    (Decimal("792.00"), Decimal("50"), Decimal("396.00")),
    (Decimal("792.00"), Decimal("0"), Decimal("792.00")),
    (Decimal("600.00"), Decimal("33.33"), Decimal("400.02")),
    (Decimal("0.01"), Decimal("50"), Decimal("0.01")),  # half a penny rounds up
])
def test_retained_amount(gross, refund, expected):
    assert retained_amount(gross, refund) == expected
