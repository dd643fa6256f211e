"""The public catalogue: what is on, when, where and for how much. Read-only pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_safe

from trainingdesk.catalogue import presentation, seats, selectors
from trainingdesk.catalogue.models import CourseRun, Level, VatTable
from trainingdesk.lib.files import private_file_response
from trainingdesk.lib.money import TaxedAmount
from trainingdesk.lib.pagecache import cached_public_page, shared_body


def _fee(level: Level, vat: VatTable) -> TaxedAmount | None:
    if level.assessment_fee is None:
        return None
    return level.assessment_fee.price(vat, timezone.localdate())


RUNS_PER_PAGE = 24
PAST_RUNS_ON_INDEX = 5


def _summaries(runs: Iterable[CourseRun], vat: VatTable) -> list[presentation.RunSummary]:
    now = timezone.now()
    runs = list(runs)
    taken = seats.seats_taken(run.pk for run in runs) or {}
    return [presentation.summarise(run, vat, now, taken=taken.get(run.pk)) for run in runs]


@cached_public_page
def index(request: HttpRequest) -> HttpResponse:
    """Upcoming runs a page at a time, grouped by programme and level; the latest past runs."""

    def build() -> dict[str, Any]:
        vat = VatTable.load()
        today = timezone.localdate()
        page = Paginator(selectors.upcoming_runs(today=today), RUNS_PER_PAGE).get_page(
            request.GET.get("page"))
        upcoming = _summaries(page.object_list, vat)
        programmes = presentation.group_by_programme(selectors.catalogue_levels(), upcoming)
        past = _summaries(selectors.past_runs(today=today)[:PAST_RUNS_ON_INDEX], vat)
        return {"programmes": programmes, "past": past, "page": page}

    body = shared_body(request, "catalogue/index_body.html", build)
    return render(request, "catalogue/index.html", {"body": body})


@cached_public_page
def training_map(request: HttpRequest) -> HttpResponse:
    return render(
        request, "catalogue/training_map.html",
        {"maps": [presentation.training_map(p) for p in selectors.programmes_for_map()]}
    )


@cached_public_page
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    viewer_zone: str | None = getattr(request, "viewer_zone", None)

    def build() -> dict[str, Any]:
        run = selectors.run_for_page(run_id=run_id, viewer=request.user)
        if run is None:
            raise Http404("No such run")
        vat = VatTable.load()
        taken = (seats.seats_taken([run.pk]) or {}).get(run.pk)
        summary = presentation.summarise(run, vat, timezone.now(), taken=taken)
        return {
            "title": f"{run.level.name}: {run.title}",
            "run": run,
            "level": run.level,
            "programme": run.level.programme,
            "summary": summary,
            "days": presentation.day_rows(run, viewer_zone),
            "local_time_slots": viewer_zone is None,
            "options": presentation.option_rows(run, vat, timezone.localdate()),
            "fee": _fee(run.level, vat),
            # The booking page is bookings', above the catalogue: the template links to it.
            "can_book": summary.booking.is_open,
        }

    # Staff also see drafts: theirs is a body of its own.
    body = shared_body(request, "catalogue/run_body.html", build, vary=f"staff={request.user.is_staff}")
    return render(request, "catalogue/run.html", {"body": body})


@cached_public_page
def level_detail(request: HttpRequest, programme: str, level: str) -> HttpResponse:
    def build() -> dict[str, Any]:
        found = selectors.level_for_page(programme_slug=programme, level_slug=level)
        if found is None:
            raise Http404("No such level")
        vat = VatTable.load()
        today = timezone.localdate()
        page = Paginator(selectors.upcoming_runs(today=today, level=found), RUNS_PER_PAGE).get_page(
            request.GET.get("page"))
        past_page = Paginator(selectors.past_runs(today=today, level=found), RUNS_PER_PAGE).get_page(
            request.GET.get("past"))
        return {
            "title": str(found),
            "level": found,
            "programme": found.programme,
            "upcoming": _summaries(page.object_list, vat),
            "page": page,
            "past": _summaries(past_page.object_list, vat),
            "past_page": past_page,
            "fee": _fee(found, vat),
        }

    body = shared_body(request, "catalogue/level_body.html", build)
    return render(request, "catalogue/level.html", {"body": body})


@cached_public_page
@require_safe
def certification(request: HttpRequest, programme: str) -> HttpResponse:
    """How a programme's award is earned, from its configuration: the levels, the supervision,
    each level's coursework and fee, the provider's own words, and the course guidelines."""

    def build() -> dict[str, Any]:
        found = selectors.programme_for_certification(slug=programme)
        if found is None:
            raise Http404("No such programme")
        return {
            "title": _("Certification: %(programme)s") % {"programme": found.name},
            "programme": found,
            "levels": presentation.certification_levels(found, VatTable.load(), timezone.localdate()),
            "guidelines": selectors.current_guidelines(programme_slug=found.slug),
        }

    body = shared_body(request, "catalogue/certification_body.html", build)
    return render(request, "catalogue/certification.html", {"body": body, "programme_slug": programme})


@require_safe
def guidelines(request: HttpRequest, programme: str) -> FileResponse:
    """The current version of the course guidelines, at an address that stays the same when a
    new version is uploaded."""
    current = selectors.current_guidelines(programme_slug=programme)
    if current is None or not current.file:
        raise Http404("No guidelines")
    return private_file_response(current.file.name or "", download_as=current.file_name)


# The provider's own pages, linked from every page's footer: the text is the provider's, edited
# in the back office. Each: the Provider field it shows, and the page's title.
PROVIDER_PAGES = {
    "accessibility": ("accessibility_statement", _("Accessibility statement")),
    "privacy": ("privacy_notice", _("Privacy notice")),
    "terms": ("terms", _("Terms and conditions")),
}


@cached_public_page
@require_GET
def provider_page(request: HttpRequest, page: str) -> HttpResponse:
    field, title = PROVIDER_PAGES[page]
    provider = selectors.site_provider()
    return render(request, "catalogue/provider_page.html", {
        "title": title, "provider": provider, "text": getattr(provider, field) if provider else "",
    })
