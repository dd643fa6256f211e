"""Pure pricing rules for bookings: discounts and refunds by notice. No database here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from trainingdesk.lib.money import HUNDRED, TaxedAmount, to_pennies


@dataclass(frozen=True)
class Discount:
    code: str
    percent_off: Decimal | None
    amount_off: Decimal | None
    valid_until: dt.date | None
    max_uses: int | None
    times_used: int
    level_id: int | None


def discount_refusal(discount: Discount | None, *, today: dt.date, level_id: int) -> str | None:
    """Why this code cannot be used today on this level, in words for the participant."""
    if discount is None:
        return "We do not recognise that discount code. Check it and try again."
    if discount.valid_until is not None and today > discount.valid_until:
        return f"The discount code {discount.code} expired on {discount.valid_until:%d %B %Y}."
    if discount.max_uses is not None and discount.times_used >= discount.max_uses:
        return f"The discount code {discount.code} has been used up."
    if discount.level_id is not None and discount.level_id != level_id:
        return f"The discount code {discount.code} cannot be used for this course."
    return None


def discount_amount(unit_net: Decimal, discount: Discount | None) -> Decimal:
    """How much a code takes off a net price: never more than the price itself."""
    if discount is None:
        return Decimal("0.00")
    if discount.percent_off is not None:
        off = to_pennies(unit_net * discount.percent_off / HUNDRED)
    else:
        off = to_pennies(discount.amount_off or 0)
    return min(off, to_pennies(unit_net))


def booking_price(unit_net: Decimal, vat_rate: Decimal, discount: Discount | None) -> TaxedAmount:
    """The price of one place: the net less any discount, then VAT on what is left."""
    return TaxedAmount.from_net(to_pennies(unit_net) - discount_amount(unit_net, discount), vat_rate)


def refund_percent(terms: Iterable[tuple[int, Decimal]], *, days_notice: int) -> Decimal:
    """The refund for cancelling `days_notice` days before the first day, by the provider's
    terms [(days' notice at least, refund %)]: the term with the most notice that is met.
    No term met (or no terms): no refund."""
    for notice, percent in sorted(terms, reverse=True):
        if days_notice >= notice:
            return percent
    return Decimal(0)


def retained_amount(gross: Decimal, refund: Decimal) -> Decimal:
    """What the provider keeps of `gross` when `refund` per cent is refunded."""
    return to_pennies(gross * (HUNDRED - refund) / HUNDRED)
