"""A supervision group's schedule, as pure functions: no database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from trainingdesk.supervision.scheduling import (
    Evening,
    Holiday,
    ScheduleError,
    Terms,
    cancelled,
    local_start,
    moved,
    propose,
)

UK = ZoneInfo("Europe/London")
MONDAY, TUESDAY, SATURDAY, SUNDAY = 0, 1, 5, 6
DEMO_LAST_DAY = dt.date(2022, 9, 15)  # the brochure's Summer 2022 run: Day 4, a Thursday
TUESDAY_7PM = Evening(weekday=TUESDAY, starts_at=dt.time(19, 0), zone="Europe/London")


def days(sessions) -> list[dt.date]:
    return [s.starts.date() for s in sessions]


def demo() -> list:
    return propose(terms=Terms(), last_training_day=DEMO_LAST_DAY, evening=TUESDAY_7PM)


# The brochure's terms and the demo run


def test_the_default_terms_are_the_brochures_6_sessions_of_2_hours_every_2_months_after_4_weeks():
    assert Terms() == Terms(sessions=6, minutes=120, interval_months=2, weeks_after_training=4)
    assert Terms().total_minutes == 12 * 60


def test_the_demo_runs_group_starts_in_mid_october_2022_and_meets_every_2_months_to_summer_2023():
    assert days(demo()) == [
        dt.date(2022, 10, 18),  # Tuesday on or after 13 October (15 September + 4 weeks)
        dt.date(2022, 12, 20),
        dt.date(2023, 2, 21),
        dt.date(2023, 4, 18),
        dt.date(2023, 6, 20),
        dt.date(2023, 8, 22),
    ]
    assert all(s.starts.weekday() == TUESDAY for s in demo())
    assert [s.number for s in demo()] == [1, 2, 3, 4, 5, 6]


def test_the_demo_group_meets_at_7pm_uk_time_across_both_clock_changes_while_the_utc_hour_moves():
    sessions = demo()
    assert [(s.starts.hour, s.starts.minute) for s in sessions] == [(19, 0)] * 6
    assert all(s.starts.tzinfo == UK and s.ends.tzinfo == UK for s in sessions)
    # British Summer Time in October, GMT after 30 October 2022, BST again after 26 March 2023.
    assert [s.starts_utc.hour for s in sessions] == [18, 19, 19, 18, 18, 18]
    assert all(s.starts_utc.tzinfo == dt.UTC for s in sessions)
    assert sessions[0].starts_utc == dt.datetime(2022, 10, 18, 18, 0, tzinfo=dt.UTC)
    assert sessions[1].starts_utc == dt.datetime(2022, 12, 20, 19, 0, tzinfo=dt.UTC)


def test_the_schedule_is_6_sessions_of_2_hours_making_the_12_hours_promised():
    sessions = demo()
    assert len(sessions) == 6
    assert [s.minutes for s in sessions] == [120] * 6
    assert [(s.ends.hour, s.ends.minute) for s in sessions] == [(21, 0)] * 6
    assert sum(s.minutes for s in sessions) == Terms().total_minutes == 720
    assert not any(s.cancelled or s.skipped for s in sessions)


def test_the_first_session_may_fall_exactly_4_weeks_after_the_last_day_when_that_is_the_evening():
    thursday = Evening(weekday=3, starts_at=dt.time(19, 0), zone="Europe/London")
    sessions = propose(terms=Terms(), last_training_day=DEMO_LAST_DAY, evening=thursday)
    assert sessions[0].starts.date() == dt.date(2022, 10, 13)


def test_terms_are_data_4_sessions_of_90_minutes_monthly_2_weeks_after_training():
    terms = Terms(sessions=4, minutes=90, interval_months=1, weeks_after_training=2)
    sessions = propose(terms=terms, last_training_day=DEMO_LAST_DAY, evening=TUESDAY_7PM)
    assert days(sessions) == [dt.date(2022, 10, 4), dt.date(2022, 11, 8), dt.date(2022, 12, 6),
                              dt.date(2023, 1, 10)]
    assert [s.minutes for s in sessions] == [90] * 4
    assert [(s.ends.hour, s.ends.minute) for s in sessions] == [(20, 30)] * 4
    assert terms.total_minutes == 360


@pytest.mark.parametrize("terms", [
    {"sessions": 0}, {"minutes": 0}, {"minutes": 24 * 60 + 1}, {"interval_months": 0},
    {"weeks_after_training": -1},
])
def test_terms_that_make_no_schedule_are_refused(terms):
    with pytest.raises(ScheduleError):
        Terms(**terms)


# Month ends: every anchor counted from the first session


def test_31_january_plus_2_months_is_31_march_then_the_groups_weekday_after_it():
    # First session Tuesday 31 January 2023 (3 January + 4 weeks). 31 March is a Friday, so the
    # second is Tuesday 4 April; had the months clipped to 28 March (a Tuesday) it would be that.
    sessions = propose(terms=Terms(), last_training_day=dt.date(2023, 1, 3), evening=TUESDAY_7PM)
    assert days(sessions) == [
        dt.date(2023, 1, 31),
        dt.date(2023, 4, 4),   # 31 March (Friday)
        dt.date(2023, 6, 6),   # 31 May (Wednesday)
        dt.date(2023, 8, 1),   # 31 July (Monday)
        dt.date(2023, 10, 3),  # 30 September (Saturday)
        dt.date(2023, 12, 5),  # 30 November (Thursday)
    ]


def test_31_december_plus_2_months_is_the_end_of_february_and_the_clipping_does_not_carry_on():
    # A Saturday group first meeting on Saturday 31 December 2022: + 2 months is 28 February 2023
    # (a Tuesday), so Saturday 4 March; + 4 months is 30 April (Sunday), so Saturday 6 May, not
    # 29 April as counting on from 28 February would give.
    saturday = Evening(weekday=SATURDAY, starts_at=dt.time(10, 0), zone="Europe/London")
    sessions = propose(terms=Terms(sessions=3), last_training_day=dt.date(2022, 12, 3),
                       evening=saturday)
    assert days(sessions) == [dt.date(2022, 12, 31), dt.date(2023, 3, 4), dt.date(2023, 5, 6)]


def test_29_february_in_a_leap_year_is_an_anchor_like_any_other_day():
    # Thursday 31 December 2015 + 2 months is Monday 29 February 2016: the Thursday after is 3 March.
    thursday = Evening(weekday=3, starts_at=dt.time(19, 0), zone="Europe/London")
    sessions = propose(terms=Terms(sessions=2), last_training_day=dt.date(2015, 12, 3), evening=thursday)
    assert days(sessions) == [dt.date(2015, 12, 31), dt.date(2016, 3, 3)]


# Bank holidays of the group's country and subdivision


def test_a_session_on_easter_monday_moves_a_week_in_england_but_not_in_scotland():
    # Monday 13 March 2023 + 4 weeks is Easter Monday, 10 April 2023: a holiday in England only.
    def first(subdivision: str):
        evening = Evening(weekday=MONDAY, starts_at=dt.time(19, 0), zone="Europe/London",
                          country="GB", subdivision=subdivision)
        return propose(terms=Terms(), last_training_day=dt.date(2023, 3, 13), evening=evening)[0]

    england, scotland = first("ENG"), first("SCT")
    assert england.starts.date() == dt.date(2023, 4, 17)
    assert england.skipped == (Holiday(dt.date(2023, 4, 10), "Easter Monday"),)
    assert scotland.starts.date() == dt.date(2023, 4, 10)
    assert scotland.skipped == ()


def test_a_session_on_2_january_moves_a_week_in_scotland_but_not_in_england():
    # Tuesday 5 December 2023 + 4 weeks is Tuesday 2 January 2024, Scotland's New Year holiday.
    def first(subdivision: str):
        evening = Evening(weekday=TUESDAY, starts_at=dt.time(19, 0), zone="Europe/London",
                          country="GB", subdivision=subdivision)
        return propose(terms=Terms(), last_training_day=dt.date(2023, 12, 5), evening=evening)[0]

    assert first("ENG").starts.date() == dt.date(2024, 1, 2)
    assert first("SCT").starts.date() == dt.date(2024, 1, 9)


def test_a_session_moves_again_while_the_next_week_is_a_holiday_too_and_the_others_keep_their_dates():
    # First session Tuesday 24 October 2023; the second's anchor is 24 December (Sunday), so
    # Tuesday 26 December, Boxing Day: England meets on 2 January, Scotland (2 January is a
    # holiday there too) on 9 January. The third is counted from the first, not the second.
    def schedule(subdivision: str):
        evening = Evening(weekday=TUESDAY, starts_at=dt.time(19, 0), zone="Europe/London",
                          country="GB", subdivision=subdivision)
        return propose(terms=Terms(), last_training_day=dt.date(2023, 9, 26), evening=evening)

    england, scotland = schedule("ENG"), schedule("SCT")
    assert days(england)[:3] == [dt.date(2023, 10, 24), dt.date(2024, 1, 2), dt.date(2024, 2, 27)]
    assert days(scotland)[:3] == [dt.date(2023, 10, 24), dt.date(2024, 1, 9), dt.date(2024, 2, 27)]
    assert [h.on for h in scotland[1].skipped] == [dt.date(2023, 12, 26), dt.date(2024, 1, 2)]
    assert england[1].starts.hour == 19 and england[1].minutes == 120


def test_an_unknown_country_or_subdivision_is_refused_with_a_message():
    for country, subdivision in [("XX", None), ("GB", "XYZ")]:
        evening = Evening(weekday=TUESDAY, starts_at=dt.time(19, 0), zone="Europe/London",
                          country=country, subdivision=subdivision)
        with pytest.raises(ScheduleError, match="No bank holidays are known"):
            propose(terms=Terms(), last_training_day=DEMO_LAST_DAY, evening=evening)


def test_no_subdivision_means_the_countrys_own_holidays():
    evening = Evening(weekday=TUESDAY, starts_at=dt.time(19, 0), zone="Europe/London",
                      country="GB", subdivision="")
    assert days(propose(terms=Terms(), last_training_day=DEMO_LAST_DAY, evening=evening)) == days(demo())


# Local times that a clock change skips or repeats


def test_an_evening_in_the_hour_skipped_when_clocks_go_forward_is_refused_naming_the_date():
    # 1:30am on Sunday 26 March 2023 does not exist in London: clocks go from 1am to 2am.
    night = Evening(weekday=SUNDAY, starts_at=dt.time(1, 30), zone="Europe/London")
    with pytest.raises(ValueError, match="1:30am does not exist in Europe/London on Sunday 26 March 2023"):
        propose(terms=Terms(), last_training_day=dt.date(2023, 2, 26), evening=night)


def test_a_later_session_in_the_skipped_hour_is_refused_too():
    night = Evening(weekday=SUNDAY, starts_at=dt.time(1, 30), zone="Europe/London")
    monthly = Terms(interval_months=1)
    with pytest.raises(ScheduleError, match="Sunday 26 March 2023"):
        propose(terms=monthly, last_training_day=dt.date(2023, 1, 29), evening=night)


def test_an_evening_in_the_hour_repeated_when_clocks_go_back_is_refused_naming_the_date():
    night = Evening(weekday=SUNDAY, starts_at=dt.time(1, 30), zone="Europe/London")
    message = "1:30am happens twice in Europe/London on Sunday 29 October 2023"
    with pytest.raises(ScheduleError, match=message):
        propose(terms=Terms(), last_training_day=dt.date(2023, 10, 1), evening=night)


def test_a_group_in_another_zone_keeps_its_own_local_time_across_its_own_clock_changes():
    new_york = Evening(weekday=TUESDAY, starts_at=dt.time(18, 30), zone="America/New_York",
                       country="US", subdivision="NY")
    sessions = propose(terms=Terms(), last_training_day=DEMO_LAST_DAY, evening=new_york)
    assert [(s.starts.hour, s.starts.minute) for s in sessions] == [(18, 30)] * 6
    assert len({s.starts_utc.hour for s in sessions}) == 2  # EDT and EST


def test_local_start_gives_the_instant_of_an_ordinary_evening():
    assert local_start(dt.date(2023, 1, 10), dt.time(19, 0), "Europe/London") == dt.datetime(
        2023, 1, 10, 19, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("evening", [
    {"weekday": 7, "starts_at": dt.time(19, 0), "zone": "Europe/London"},
    {"weekday": 1, "starts_at": dt.time(19, 0), "zone": "Europe/Nowhere"},
    {"weekday": 1, "starts_at": dt.time(19, 0, tzinfo=dt.UTC), "zone": "Europe/London"},
])
def test_an_evening_that_is_no_evening_is_refused(evening):
    with pytest.raises(ScheduleError):
        Evening(**evening)


# A coordinator's changes: move or cancel one session

NOW = dt.datetime(2022, 11, 1, 12, 0, tzinfo=dt.UTC)  # after session 1, before session 2


def test_moving_a_session_a_week_later_keeps_its_length_and_leaves_the_others_alone():
    sessions = demo()
    new_start = dt.datetime(2022, 12, 27, 19, 0, tzinfo=UK)
    after = moved(sessions, 1, new_start, NOW)
    assert after[1].starts == new_start and after[1].starts.tzinfo == UK
    assert after[1].ends == dt.datetime(2022, 12, 27, 21, 0, tzinfo=UK)
    assert after[1].number == 2 and after[1].minutes == 120
    assert [s for i, s in enumerate(after) if i != 1] == [s for i, s in enumerate(sessions) if i != 1]
    assert sessions[1].starts.date() == dt.date(2022, 12, 20)  # the list given is not changed


def test_a_move_given_in_utc_is_kept_in_the_groups_zone():
    after = moved(demo(), 3, dt.datetime(2023, 4, 25, 17, 0, tzinfo=dt.UTC), NOW)
    assert after[3].starts.tzinfo == UK
    assert (after[3].starts.hour, after[3].ends.hour) == (18, 20)  # BST


def test_moving_a_session_into_the_past_is_refused():
    with pytest.raises(ScheduleError, match="into the past"):
        moved(demo(), 1, dt.datetime(2022, 10, 25, 19, 0, tzinfo=UK), NOW)


def test_moving_a_session_onto_another_session_of_the_group_is_refused():
    sessions = demo()
    with pytest.raises(ScheduleError, match="overlaps session 3 of this group, Tuesday 21 February 2023"):
        moved(sessions, 1, dt.datetime(2023, 2, 21, 20, 0, tzinfo=UK), NOW)
    with pytest.raises(ScheduleError, match="overlaps session 3"):
        moved(sessions, 1, dt.datetime(2023, 2, 21, 17, 30, tzinfo=UK), NOW)


def test_a_session_may_start_as_another_ends_or_take_a_cancelled_sessions_place():
    sessions = demo()
    touching = moved(sessions, 1, dt.datetime(2023, 2, 21, 21, 0, tzinfo=UK), NOW)
    assert touching[1].starts_utc == sessions[2].ends_utc
    without_third = cancelled(sessions, 2, NOW)
    assert moved(without_third, 1, sessions[2].starts, NOW)[1].starts == sessions[2].starts


def test_a_session_that_has_started_cannot_be_moved_or_cancelled():
    with pytest.raises(ScheduleError, match="already started"):
        moved(demo(), 0, dt.datetime(2022, 12, 6, 19, 0, tzinfo=UK), NOW)
    with pytest.raises(ScheduleError, match="already started"):
        cancelled(demo(), 0, NOW)


def test_moving_to_a_local_time_the_clocks_skip_is_refused_naming_the_date():
    with pytest.raises(ScheduleError, match="Sunday 26 March 2023"):
        moved(demo(), 2, dt.datetime(2023, 3, 26, 1, 30, tzinfo=UK), NOW)


def test_a_naive_new_start_is_a_programming_error():
    with pytest.raises(ValueError, match="aware"):
        moved(demo(), 1, dt.datetime(2022, 12, 27, 19, 0), NOW)


def test_cancelling_a_session_keeps_it_in_the_list_marked_cancelled():
    sessions = demo()
    after = cancelled(sessions, 4, NOW)
    assert after[4].cancelled and after[4].starts == sessions[4].starts
    assert [s.cancelled for s in after] == [False, False, False, False, True, False]
    assert not sessions[4].cancelled


def test_a_cancelled_session_cannot_be_cancelled_again_or_moved():
    after = cancelled(demo(), 4, NOW)
    with pytest.raises(ScheduleError, match="is cancelled"):
        cancelled(after, 4, NOW)
    with pytest.raises(ScheduleError, match="is cancelled"):
        moved(after, 4, dt.datetime(2023, 7, 4, 19, 0, tzinfo=UK), NOW)


def test_a_session_that_is_not_in_the_schedule_cannot_be_changed():
    with pytest.raises(ScheduleError, match="no session 7"):
        cancelled(demo(), 6, NOW)
