"""An event's time, written the one way for a person (lib.zones.format_span)."""

from __future__ import annotations

import datetime as dt

from trainingdesk.lib.zones import format_span

START = dt.datetime(2022, 10, 18, 18, 0, tzinfo=dt.UTC)  # 7pm in London (summer time)
END = START + dt.timedelta(hours=2)


def test_an_evening_is_written_in_the_zone_asked_for():
    assert format_span(START, END, "Europe/London") == "Tuesday 18 October 2022, 7pm to 9pm"
    assert format_span(START, END, "America/New_York") == "Tuesday 18 October 2022, 2pm to 4pm"


def test_an_evening_that_runs_past_midnight_names_its_end_s_day():
    assert format_span(START, END, "Asia/Kolkata") == (
        "Tuesday 18 October 2022, 11:30pm to 1:30am on Wednesday 19 October 2022")
