"""Money with VAT: net + VAT = gross, in `Decimal`, rounded explicitly to the penny.

A price is entered either net ("£660 + VAT") or gross ("£300 incl. VAT"). Either way the VAT is
computed once, rounded half-up to the penny (HMRC allows rounding to the nearest penny on the
total VAT of a line), and the third figure is derived by addition or subtraction, so that
net + VAT == gross always holds exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")
HUNDRED = Decimal(100)


def to_pennies(amount: Decimal | int | str) -> Decimal:
    """Round an amount of pounds to whole pence, half-up."""
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"{amount!r} is not an amount of money") from exc
    if not value.is_finite():
        raise ValueError(f"{amount!r} is not an amount of money")
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def _check_rate(rate_percent: Decimal) -> Decimal:
    rate = Decimal(rate_percent)
    if not rate.is_finite() or rate < 0 or rate > HUNDRED:
        raise ValueError(f"A VAT rate must be between 0% and 100%, not {rate_percent}%")
    return rate


@dataclass(frozen=True, slots=True)
class TaxedAmount:
    """An amount of money with its VAT: `net + vat == gross`, each to the penny."""

    net: Decimal
    vat: Decimal
    gross: Decimal
    rate_percent: Decimal | None

    def __post_init__(self) -> None:
        for name in ("net", "vat", "gross"):
            value = getattr(self, name)
            if value != value.quantize(PENNY):
                raise ValueError(f"{name} {value} is not a whole number of pence")
        if self.net + self.vat != self.gross:
            raise ValueError(f"net {self.net} + VAT {self.vat} != gross {self.gross}")

    @classmethod
    def from_net(cls, net: Decimal | int | str, rate_percent: Decimal | int | str) -> TaxedAmount:
        rate = _check_rate(Decimal(rate_percent))
        net_p = to_pennies(net)
        vat = to_pennies(net_p * rate / HUNDRED)
        return cls(net=net_p, vat=vat, gross=net_p + vat, rate_percent=rate)

    @classmethod
    def from_gross(
        cls, gross: Decimal | int | str, rate_percent: Decimal | int | str
    ) -> TaxedAmount:
        rate = _check_rate(Decimal(rate_percent))
        gross_p = to_pennies(gross)
        # The VAT is the amount rounded (half up, as everywhere else); the net is what is left.
        # Rounding the net instead would round a half penny of VAT down.
        vat = to_pennies(gross_p * rate / (HUNDRED + rate))
        return cls(net=gross_p - vat, vat=vat, gross=gross_p, rate_percent=rate)

    @classmethod
    def zero(cls, rate_percent: Decimal | int | str = 0) -> TaxedAmount:
        return cls.from_net(0, rate_percent)

    @property
    def rate(self) -> Decimal:
        """The VAT rate of an amount at one rate (a line, a booking)."""
        if self.rate_percent is None:
            raise ValueError("A total across VAT rates has no single rate")
        return self.rate_percent

    def times(self, quantity: int) -> TaxedAmount:
        """`quantity` of this unit: the net is multiplied and the VAT computed on the line."""
        if self.rate_percent is None:
            raise ValueError("A total across VAT rates cannot be multiplied")
        return TaxedAmount.from_net(self.net * quantity, self.rate_percent)

    def __add__(self, other: TaxedAmount) -> TaxedAmount:
        """A total across lines: nets, VAT and grosses are summed, as on an invoice.

        The total of lines at different rates has no single rate: `rate_percent` is then None.
        """
        rate = self.rate_percent if self.rate_percent == other.rate_percent else None
        return TaxedAmount(
            net=self.net + other.net,
            vat=self.vat + other.vat,
            gross=self.gross + other.gross,
            rate_percent=rate,
        )


def format_gbp(amount: Decimal, *, pence: bool = False) -> str:
    """£1,234.50, or £792 when there are no pence, as the brochure writes it (£792.00 with
    `pence`, as accounts write it)."""
    value = to_pennies(amount)
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value == value.to_integral_value() and not pence:
        return f"{sign}£{value:,.0f}"
    return f"{sign}£{value:,.2f}"
