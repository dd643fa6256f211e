"""CSV files for spreadsheets and accounting software: plain UTF-8, ISO dates, amounts with two
decimals and no symbol, and text from people guarded against formula injection."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text(value: Any) -> str:
    """A cell of text, made safe to open in a spreadsheet."""
    cell = "" if value is None else str(value)
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def amount(value: Decimal | None) -> str:
    """2 decimals, no symbol, no thousands separator: -792.00."""
    return "" if value is None else f"{value:.2f}"


def iso(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(ZoneInfo(settings.TIME_ZONE)).date().isoformat()
    return value.isoformat()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return response
