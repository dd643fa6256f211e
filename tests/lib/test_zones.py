import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from trainingdesk.lib.zones import (
    UK,
    aware,
    format_date_set,
    format_schedule,
    join_with_and,
    shows_other_times,
    zone_label,
)

SUMMER = (dt.date(2022, 6, 21), dt.date(2022, 6, 22), dt.date(2022, 6, 23), dt.date(2022, 9, 15))


@pytest.mark.parametrize(
    ("dates", "text"),
    [
        (SUMMER, "21, 22, 23 June and 15 September 2022"),
        ((dt.date(2022, 6, 21),), "21 June 2022"),
        ((), ""),
        ((dt.date(2022, 6, 30), dt.date(2022, 7, 1), dt.date(2022, 9, 15)),
         "30 June, 1 July and 15 September 2022"),
        ((dt.date(2026, 12, 30), dt.date(2026, 12, 31), dt.date(2027, 1, 2)),
         "30, 31 December 2026 and 2 January 2027"),
        ((dt.date(2022, 6, 23), dt.date(2022, 6, 21), dt.date(2022, 6, 21)), "21, 23 June 2022"),
    ],
)
def test_a_set_of_dates_is_written_as_the_brochure_writes_it(
    dates: tuple[dt.date, ...], text: str
) -> None:
    assert format_date_set(dates) == text


def test_items_are_joined_with_commas_and_a_final_and() -> None:
    assert [join_with_and([]), join_with_and(["a"]), join_with_and(["a", "b"]),
            join_with_and(["a", "b", "c"])] == ["", "a", "a and b", "a, b and c"]


def _summer_day() -> dict[str, dt.datetime]:
    on = dt.date(2022, 6, 21)
    return {"arrives": aware(on, dt.time(9), UK), "starts": aware(on, dt.time(9, 30), UK),
            "finishes": aware(on, dt.time(16, 30), UK)}


def test_a_day_is_written_with_arrival_start_and_finish_in_its_own_zone() -> None:
    assert format_schedule(**_summer_day()) == "9am for 9:30am start, finish 4:30pm"


def test_a_day_without_an_arrival_time_gives_only_the_start() -> None:
    day = _summer_day()
    assert format_schedule(starts=day["starts"], finishes=day["finishes"]) == (
        "9:30am start, finish 4:30pm"
    )


def test_a_day_that_ends_after_midnight_in_another_zone_names_the_finishing_date() -> None:
    assert format_schedule(**_summer_day(), zone="Asia/Tokyo") == (
        "5pm for 5:30pm start, finish 12:30am on Wednesday 22 June 2022"
    )


def test_a_day_in_new_york_is_written_in_new_york_time() -> None:
    assert format_schedule(**_summer_day(), zone="America/New_York") == (
        "4am for 4:30am start, finish 11:30am"
    )


def test_other_times_are_shown_only_when_the_viewers_clock_reads_differently() -> None:
    moments = list(_summer_day().values())
    assert shows_other_times(moments, "Asia/Tokyo")
    assert not shows_other_times(moments, UK)
    assert not shows_other_times(moments, "Europe/Dublin")  # same clock as London
    assert not shows_other_times(moments, None)
    assert not shows_other_times(moments, "Not/AZone")


def test_a_zone_that_matches_in_summer_may_differ_in_winter() -> None:
    # Lisbon keeps UK time all year; Casablanca does not (it stays on +01 in winter).
    winter = [dt.datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo(UK))]
    assert not shows_other_times(winter, "Europe/Lisbon")
    assert shows_other_times(winter, "Europe/Paris")


def test_a_zone_is_labelled_with_its_abbreviation_once() -> None:
    summer = dt.datetime(2022, 6, 21, 8, 30, tzinfo=dt.UTC)
    assert zone_label(UK, summer) == "UK time (BST)"
    assert zone_label("Asia/Tokyo", summer) == "Asia/Tokyo (JST)"
    assert zone_label("UTC", summer) == "UTC"
    assert zone_label("America/Sao_Paulo", summer) == "America/Sao Paulo"  # "-03" is no name
