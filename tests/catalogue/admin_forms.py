"""What the back office's course-run page posts: the run's fields and its two inline formsets,
with their management forms, built from a stored run so that a test changes only what it means."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from trainingdesk.catalogue.models import CourseRun, PriceOption, TrainingDay

RUNS_URL = "/back-office/catalogue/courserun/"


def change_url(run: CourseRun) -> str:
    return f"{RUNS_URL}{run.pk}/change/"


def _split(value: dt.datetime | None) -> tuple[str, str]:
    if value is None:
        return "", ""
    local = timezone.localtime(value)
    return local.date().isoformat(), local.strftime("%H:%M")


def new_run_fields(level_id: int, status: str = "draft") -> dict[str, Any]:
    return {
        "level": level_id, "title": "Summer 2027", "status": status, "delivery": "online",
        "platform": "Zoom", "joining_link": "", "venue_name": "", "venue_address": "",
        "time_zone": "Europe/London", "capacity": 24,
        "booking_opens_at_0": "2027-03-01", "booking_opens_at_1": "09:00",
        "booking_closes_at_0": "2027-06-14", "booking_closes_at_1": "17:00", "notes": "",
    }


def run_fields(run: CourseRun) -> dict[str, Any]:
    opens, closes = _split(run.booking_opens_at), _split(run.booking_closes_at)
    return {
        "level": run.level_id, "title": run.title, "status": run.status,
        "delivery": run.delivery, "platform": run.platform, "joining_link": run.joining_link,
        "venue_name": run.venue_name, "venue_address": run.venue_address,
        "time_zone": run.time_zone, "capacity": run.capacity,
        "booking_opens_at_0": opens[0], "booking_opens_at_1": opens[1],
        "booking_closes_at_0": closes[0], "booking_closes_at_1": closes[1],
        "notes": run.notes,
    }


def day_row(day: TrainingDay) -> dict[str, Any]:
    return {
        "id": day.pk, "run": day.run_id, "number": day.number, "date": day.date.isoformat(),
        "arrival_time": day.arrival_time.strftime("%H:%M") if day.arrival_time else "",
        "start_time": day.start_time.strftime("%H:%M"),
        "finish_time": day.finish_time.strftime("%H:%M"),
        "break_minutes": day.break_minutes, "break_description": day.break_description,
    }


def new_day(number: int, on: dt.date, start: str = "09:30", finish: str = "16:30",
            arrival: str = "09:00") -> dict[str, Any]:
    return {"number": number, "date": on.isoformat(), "arrival_time": arrival,
            "start_time": start, "finish_time": finish, "break_minutes": 60,
            "break_description": "1 hour lunch break"}


def option_row(option: PriceOption) -> dict[str, Any]:
    return {
        "id": option.pk, "run": option.run_id, "name": option.name,
        "position": option.position, "description": option.description,
        "net_amount": str(option.net_amount), "vat_category": option.vat_category,
        "supervision_hours": option.supervision_hours, "audience": option.audience,
        "available_until": option.available_until.isoformat() if option.available_until else "",
    }


def new_option(name: str, net_amount: str) -> dict[str, Any]:
    return {"name": name, "position": 1, "description": "", "net_amount": net_amount,
            "vat_category": "standard", "supervision_hours": 0, "audience": "everyone",
            "available_until": ""}


def formset(prefix: str, rows: list[dict[str, Any]], initial: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            if key == "DELETE" and not value:
                continue
            data[f"{prefix}-{index}-{key}"] = "on" if value is True else value
    return data


def run_post(
    run: CourseRun, *, days: list[dict[str, Any]] | None = None,
    options: list[dict[str, Any]] | None = None, **changes: Any,
) -> dict[str, Any]:
    """The change page of `run` as posted, with `changes` to its fields and, if given, its rows.

    Rows with an "id" are the stored ones (they must come first); rows without are new.
    """
    stored_days = [day_row(d) for d in run.days.order_by("number")]
    stored_options = [option_row(o) for o in run.options.all()]
    day_rows = stored_days if days is None else days
    option_rows = stored_options if options is None else options
    return {
        **run_fields(run), **changes,
        **formset("days", day_rows, sum(1 for r in day_rows if r.get("id"))),
        **formset("options", option_rows, sum(1 for r in option_rows if r.get("id"))),
    }


def add_post(fields: dict[str, Any], days: list[dict[str, Any]],
             options: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {**fields, **formset("days", days, 0), **formset("options", options or [], 0)}
