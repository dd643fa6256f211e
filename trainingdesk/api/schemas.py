"""Schemas every resource shares: money as strings with their currency, a price as net, VAT and
gross, and a list's page. Times are ISO 8601 with their offset (aware datetimes only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Path, Schema
from pydantic import AfterValidator, ConfigDict, PlainSerializer, field_validator

from trainingdesk.lib.money import TaxedAmount

CURRENCY = "GBP"
MAX_ID = 2**31 - 1  # the largest id a database column holds: larger ones are not found, not errors

# An instant, written ISO 8601 with its offset ("2027-06-01T09:30:00+01:00"; UTC as +00:00, not Z).
Time = Annotated[dt.datetime, PlainSerializer(lambda value: value.isoformat(), return_type=str,
                                              when_used="always")]


def as_utc(value: dt.datetime) -> dt.datetime:
    """An instant given with its offset, in UTC (the databases' range of offsets is smaller than
    ISO 8601's); a time without an offset is refused: it names no instant."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("Give the time with its offset, such as 2027-03-01T10:00:00+00:00.")
    try:
        return value.astimezone(dt.UTC)
    except OverflowError as exc:
        raise ValueError("This time is out of range.") from exc


# A time in a request (a filter): with its offset, compared in UTC.
TimeIn = Annotated[dt.datetime, AfterValidator(as_utc)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


class Money(Schema):
    amount: str = Field(..., examples=["300.00"], pattern=r"^-?\d+\.\d{2}$")
    currency: str = Field(CURRENCY, examples=["GBP"])

    @classmethod
    def of(cls, amount: Decimal) -> Money:
        return cls(amount=f"{amount:.2f}", currency=CURRENCY)


class Price(Schema):
    """A taxed amount: net + VAT = gross."""

    net: Money
    vat: Money
    gross: Money
    vat_rate: str | None = Field(..., examples=["20.00"], description="Percent; null across rates.")

    @classmethod
    def of(cls, amount: TaxedAmount) -> Price:
        rate = amount.rate_percent
        return cls(net=Money.of(amount.net), vat=Money.of(amount.vat), gross=Money.of(amount.gross),
                   vat_rate=f"{rate:.2f}" if rate is not None else None)


class Input(Schema):
    """A request body: a field it does not know is refused, not ignored."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL cannot store NUL in text: refuse it here, as input, not there, as a 500.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("Text may not contain the NUL character.")
        return value
