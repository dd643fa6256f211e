"""The public catalogue: levels, runs with their days, options (net, VAT, gross) and places
left. Anyone may read it without a token; a token must have `read:catalogue`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from trainingdesk.api.auth import Caller, TokenAuth, caller_of
from trainingdesk.api.models import Scope
from trainingdesk.api.pagination import PageParams, paginate
from trainingdesk.api.problems import COMMON
from trainingdesk.api.schemas import Id, PathId, Price, Time
from trainingdesk.audit.log import latest_change
from trainingdesk.catalogue import seats
from trainingdesk.catalogue.models import (
    BookingState,
    CourseRun,
    Level,
    PriceOption,
    RunStatus,
    TrainingDay,
    VatTable,
)

router = Router(tags=["Catalogue"], auth=TokenAuth(anonymous=True))


def _may_read(request: HttpRequest) -> Caller:
    caller = caller_of(request)
    if caller.token is not None:
        caller.require(Scope.READ_CATALOGUE)
    return caller


def _shared(request: HttpRequest, build: Callable[[], Schema]) -> HttpResponse:
    """The catalogue's answer at this address, the same for every caller: kept in the shared
    cache under the newest audit entry's id (every change to a run, an option or a booking is
    audited, so any change makes a new key at once) for at most PUBLIC_PAGE_CACHE_SECONDS, as
    the catalogue's pages are (booking opens and closes with time). `build` may raise Http404,
    which is never kept."""
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    address = f"{request.get_host()}|{request.get_full_path()}|{latest_change()}"
    key = "api-catalogue:" + hashlib.sha256(address.encode()).hexdigest()
    body = cache.get(key) if seconds else None
    if body is None:
        body = json.dumps(build().model_dump(mode="json"))
        if seconds:
            cache.set(key, body, seconds)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


class LevelOut(Schema):
    id: int
    programme: str = Field(..., examples=["The NVR Certificate Course"])
    programme_slug: str
    name: str = Field(..., examples=["Foundation"])
    accreditation: str = Field(..., examples=["NVRA Level 1"])
    position: int
    days_required: int
    prerequisite_id: int | None
    requires_approved_application: bool
    url: str


class LevelList(Schema):
    items: list[LevelOut]


def _level(request: HttpRequest, level: Level) -> LevelOut:
    return LevelOut(
        id=level.pk, programme=level.programme.name, programme_slug=level.programme.slug,
        name=level.name, accreditation=level.accreditation, position=level.position,
        days_required=level.days_required, prerequisite_id=level.prerequisite_id,
        requires_approved_application=level.requires_approved_application,
        url=request.build_absolute_uri(level.get_absolute_url()))


@router.get("/levels", response={200: LevelList, **COMMON}, summary="Every level of every programme")
def list_levels(request: HttpRequest) -> HttpResponse:
    _may_read(request)

    def build() -> LevelList:
        levels = (Level.objects.select_related("programme")
                  .order_by("programme__name", "programme_id", "position", "id"))
        return LevelList(items=[_level(request, level) for level in levels])

    return _shared(request, build)


class DayOut(Schema):
    number: int
    date: dt.date
    arrives_at: Time | None = Field(..., description="In the run's zone, with its offset.")
    starts_at: Time = Field(..., examples=["2027-06-01T09:30:00+01:00"])
    finishes_at: Time


class OptionOut(Schema):
    id: int
    name: str = Field(..., examples=["With group supervision"])
    description: str
    price: Price
    supervision_hours: int
    members_only: bool
    available_until: dt.date | None


class RunOut(Schema):
    id: int
    title: str = Field(..., examples=["Summer 2027"])
    level_id: int
    level: str
    programme: str
    status: str = Field(..., examples=["published"])
    delivery: str = Field(..., examples=["online"])
    where: str
    time_zone: str = Field(..., examples=["Europe/London"])
    capacity: int
    places_left: int | None = Field(..., description="Null when it cannot be told.")
    booking_state: BookingState
    booking_opens_at: Time | None
    booking_closes_at: Time
    days: list[DayOut]
    options: list[OptionOut]
    url: str


class RunPage(Schema):
    items: list[RunOut]
    next: str | None = Field(..., description="The next page's URL; null on the last page.")


def _runs() -> QuerySet[CourseRun]:
    return (CourseRun.objects.with_dates().select_related("level__programme")
            .filter(status__in=[RunStatus.PUBLISHED, RunStatus.CANCELLED])
            .prefetch_related(
                Prefetch("days", queryset=TrainingDay.objects.order_by("number")),
                Prefetch("options", queryset=PriceOption.objects.order_by("position", "id"))))


def _run_rows(request: HttpRequest, runs: list[CourseRun]) -> list[RunOut]:
    now = timezone.now()
    today = timezone.localdate(now)
    vat = VatTable.load()
    taken = seats.seats_taken(run.pk for run in runs)
    return [RunOut(
        id=run.pk, title=run.title, level_id=run.level_id, level=str(run.level),
        programme=run.level.programme.name, status=run.status, delivery=run.delivery,
        where=run.where, time_zone=run.time_zone, capacity=run.capacity,
        places_left=max(0, run.capacity - taken[run.pk]) if taken is not None else None,
        booking_state=run.booking_state(now), booking_opens_at=run.booking_opens_at,
        booking_closes_at=run.booking_closes_at,
        days=[DayOut(number=d.number, date=d.date, arrives_at=d.arrives_at, starts_at=d.starts_at,
                     finishes_at=d.finishes_at) for d in run.days.all()],
        options=[OptionOut(id=o.pk, name=o.name, description=o.description,
                           price=Price.of(o.price(vat, today)), supervision_hours=o.supervision_hours,
                           members_only=o.audience == "members", available_until=o.available_until)
                 for o in run.options.all()],
        url=request.build_absolute_uri(run.get_absolute_url()),
    ) for run in runs]


class RunFilters(PageParams):
    starts_after: dt.date | None = Field(None, description="Runs whose first day is after this date.")
    starts_before: dt.date | None = Field(None, description="Runs whose first day is before this date.")
    level: Id | None = Field(None, description="A level's id.")


@router.get("/runs", response={200: RunPage, **COMMON},
            summary="Published runs, by first day (cursor pagination)")
def list_runs(request: HttpRequest, filters: Query[RunFilters]) -> HttpResponse:
    _may_read(request)
    return _shared(request, lambda: _run_page(request, filters))


def _run_page(request: HttpRequest, filters: RunFilters) -> RunPage:
    runs = _runs().filter(first_date__isnull=False)  # type: ignore[misc]  # annotated
    if filters.starts_after:
        runs = runs.filter(first_date__gt=filters.starts_after)  # type: ignore[misc]
    if filters.starts_before:
        runs = runs.filter(first_date__lt=filters.starts_before)  # type: ignore[misc]
    if filters.level is not None:
        runs = runs.filter(level_id=filters.level)
    page = paginate(request, runs, order="first_date", kind=dt.date, params=filters)
    return RunPage(items=_run_rows(request, page.items), next=page.next)


@router.get("/runs/{run_id}", response={200: RunOut, **COMMON}, summary="One run")
def get_run(request: HttpRequest, run_id: PathId) -> HttpResponse:
    _may_read(request)

    def build() -> RunOut:
        run = _runs().filter(pk=run_id).first()
        if run is None:
            raise Http404("No such run")
        return _run_rows(request, [run])[0]

    return _shared(request, build)
