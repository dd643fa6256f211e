"""How the public pages describe runs, days and prices: plain values for the templates.

Nothing here queries the database: each function works on rows a selector has already
fetched (with their days and options prefetched) and on one `VatTable`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from trainingdesk.catalogue.models import (
    Audience,
    BookingState,
    CourseRun,
    CourseworkComponent,
    Fee,
    Level,
    PriceOption,
    Programme,
    TrainingDay,
    VatTable,
)
from trainingdesk.lib.money import TaxedAmount
from trainingdesk.lib.zones import (
    format_clock,
    format_date_set,
    format_day,
    format_schedule,
    shows_other_times,
    zone_label,
)


@dataclass(frozen=True)
class Booking:
    """Whether a run can be booked now, and a sentence saying so."""

    is_open: bool
    text: str


@dataclass(frozen=True)
class RunSummary:
    run: CourseRun
    dates: str
    first_date: dt.date | None
    has_finished: bool
    booking: Booking
    price_from: TaxedAmount | None
    places_left: int | None = None  # None: not known here

    @property
    def is_full(self) -> bool:
        return self.places_left is not None and self.places_left <= 0


@dataclass(frozen=True)
class LevelRuns:
    level: Level
    upcoming: list[RunSummary]


@dataclass(frozen=True)
class ProgrammeRuns:
    programme: Programme
    levels: list[LevelRuns]


@dataclass(frozen=True)
class LocalTimes:
    zone: str
    date: str
    times: str


@dataclass(frozen=True)
class DayRow:
    number: int
    date: str
    times: str
    zone: str
    breaks: str
    starts_at: str
    finishes_at: str
    local: LocalTimes | None


@dataclass(frozen=True)
class OptionRow:
    option: PriceOption
    price: TaxedAmount
    who: str


def _days(run: CourseRun) -> list[TrainingDay]:
    return list(run.days.all())  # prefetched by the selector


def _moment(moment: dt.datetime, zone: str) -> str:
    """Tuesday 14 June 2022, 5pm: an instant written out in a zone."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{format_day(local.date())}, {format_clock(local)}"


def has_finished(run: CourseRun, now: dt.datetime) -> bool:
    return run.booking_state(now) == BookingState.FINISHED


def booking(run: CourseRun, now: dt.datetime) -> Booking:
    """The run's `booking_state` (the one rule) in the catalogue's words, with its dates."""
    state = run.booking_state(now)
    if state == BookingState.OPEN:
        return Booking(True, _("Booking open until %(when)s %(zone)s") % {
            "when": _moment(run.booking_closes_at, run.time_zone),
            "zone": zone_label(run.time_zone, run.booking_closes_at),
        })
    if state == BookingState.NOT_YET_OPEN and run.booking_opens_at:
        return Booking(False, _("Booking opens on %(when)s %(zone)s") % {
            "when": _moment(run.booking_opens_at, run.time_zone),
            "zone": zone_label(run.time_zone, run.booking_opens_at),
        })
    texts = {
        BookingState.CANCELLED: _("This run has been cancelled"),
        BookingState.FINISHED: _("This run has finished"),
        BookingState.DRAFT: _("Draft: not open for booking"),
        BookingState.STARTED: _("This run has started, so it can no longer be booked"),
    }
    return Booking(False, texts.get(state, _("Booking has closed")))


def price_from(run: CourseRun, vat: VatTable, on: dt.date) -> TaxedAmount | None:
    """The cheapest price anyone may choose today; failing that, the cheapest of all."""
    options = list(run.options.all())  # prefetched by the selector
    open_to_all = [o for o in options if o.audience == Audience.EVERYONE and o.available_on(on)]
    prices = [o.price(vat, on) for o in (open_to_all or options)]
    return min(prices, key=lambda p: p.gross) if prices else None


def summarise(run: CourseRun, vat: VatTable, now: dt.datetime, *, taken: int | None = None) -> RunSummary:
    """`taken`: the run's places already taken (catalogue/seats.py), to say how many are left."""
    days = _days(run)
    return RunSummary(
        run=run,
        dates=format_date_set(d.date for d in days),
        first_date=days[0].date if days else None,
        has_finished=has_finished(run, now),
        booking=booking(run, now),
        price_from=price_from(run, vat, timezone.localdate(now)),
        places_left=None if taken is None else max(run.capacity - taken, 0),
    )


def group_by_programme(levels: list[Level], upcoming: list[RunSummary]) -> list[ProgrammeRuns]:
    """Each programme, each of its levels in order, each level's upcoming runs (maybe none)."""
    by_level: dict[int, list[RunSummary]] = {}
    for summary in upcoming:
        by_level.setdefault(summary.run.level_id, []).append(summary)
    return [
        ProgrammeRuns(
            programme=programme_levels[0].programme,
            levels=[LevelRuns(level, by_level.get(level.pk, [])) for level in programme_levels],
        )
        for programme_levels in (
            list(group) for _key, group in groupby(levels, key=lambda level: level.programme_id)
        )
    ]


def day_rows(run: CourseRun, viewer_zone: str | None) -> list[DayRow]:
    """Each day in the run's zone, and in the viewer's on the days their clock reads differently
    (a viewer on UTC reads UK time in winter but not in summer)."""
    rows = []
    for day in run.days.all():  # prefetched by the selector
        starts, finishes, arrives = day.starts_at, day.finishes_at, day.arrives_at
        local = None
        if viewer_zone and shows_other_times([starts, finishes], viewer_zone):
            local = LocalTimes(
                zone=zone_label(viewer_zone, starts),
                date=format_day(starts.astimezone(ZoneInfo(viewer_zone)).date()),
                times=format_schedule(
                    starts=starts, finishes=finishes, arrives=arrives, zone=viewer_zone
                ),
            )
        rows.append(DayRow(
            number=day.number,
            date=format_day(day.date),
            times=format_schedule(starts=starts, finishes=finishes, arrives=arrives),
            zone=zone_label(run.time_zone, starts),
            breaks=day.break_description,
            starts_at=starts.isoformat(),
            finishes_at=finishes.isoformat(),
            local=local,
        ))
    return rows


def option_rows(run: CourseRun, vat: VatTable, on: dt.date) -> list[OptionRow]:
    rows = []
    for option in run.options.all():  # prefetched by the selector
        who = [_("Members only") if option.audience == Audience.MEMBERS else _("Everyone")]
        if option.available_until:
            who.append(_("available until %(date)s") % {"date": format_day(option.available_until)})
        rows.append(OptionRow(option, option.price(vat, on), ", ".join(who)))
    return rows


@dataclass(frozen=True)
class TrainingMap:
    """A programme's levels as a path to its award (each level the prerequisite of the next),
    and the branches: other trainings that need a level of the path first (the brochure's Group
    Hybrid after Foundation)."""

    programme: Programme
    path: list[Level]
    branches: list[Level]


def training_map(programme: Programme) -> TrainingMap:
    levels = list(programme.levels.all())  # prefetched, in position order
    path: list[Level] = []
    previous: int | None = None
    while True:
        following = next((lv for lv in levels if lv.prerequisite_id == previous
                          and lv not in path), None)
        if following is None:
            break
        path.append(following)
        previous = following.pk
    return TrainingMap(programme, path, [lv for lv in levels if lv not in path])


@dataclass(frozen=True)
class CertificationLevel:
    """A level the certificate requires, as the certification page explains it: its coursework
    (maybe none), its assessment fee and its resubmission fee, priced today."""

    level: Level
    components: list[CourseworkComponent]
    fee: TaxedAmount | None
    resubmission_fee: TaxedAmount | None
    # The later certificate level whose application may show this one was done with another
    # provider, when the programme counts a level done elsewhere (None otherwise).
    equivalent_via: Level | None = None

    @property
    def has_coursework(self) -> bool:
        return bool(self.components)


def _priced(fee: Fee | None, vat: VatTable, on: dt.date) -> TaxedAmount | None:
    return None if fee is None else fee.price(vat, on)


def certification_levels(programme: Programme, vat: VatTable, on: dt.date) -> list[CertificationLevel]:
    """The programme's certificate levels in order (prefetched by
    `selectors.programme_for_certification`, with their fees and coursework)."""
    levels = list(programme.certificate_levels.all())

    def via(level: Level) -> Level | None:
        if not programme.certificate_accepts_equivalent_levels:
            return None
        return next((later for later in levels if later.prerequisite_id == level.pk
                     and later.external_prerequisite_accepted), None)

    return [
        CertificationLevel(
            level=level,
            components=list(level.coursework.all()),
            fee=_priced(level.assessment_fee, vat, on),
            resubmission_fee=_priced(level.resubmission_fee, vat, on),
            equivalent_via=via(level),
        )
        for level in levels
    ]
