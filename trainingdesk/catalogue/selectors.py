"""What the public catalogue reads: each page's rows in a fixed number of queries.

Every function fetches what its page shows up front (`select_related` for the one-to-one path,
`prefetch_related` for days, options and coursework), so that templates never query.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Prefetch, QuerySet

from trainingdesk.accounts.models import User
from trainingdesk.catalogue.models import (
    CourseRun,
    Guidelines,
    Level,
    PriceOption,
    Programme,
    Provider,
    RunStatus,
    TrainingDay,
)


def _with_days_and_options(runs: QuerySet[CourseRun]) -> QuerySet[CourseRun]:
    return runs.prefetch_related(
        Prefetch("days", queryset=TrainingDay.objects.order_by("number")),
        Prefetch("options", queryset=PriceOption.objects.order_by("position", "id")),
    )


def _published_runs(level: Level | None) -> QuerySet[CourseRun]:
    runs = CourseRun.objects.published().with_dates().select_related("level", "level__programme")
    return runs.filter(level=level) if level is not None else runs


def upcoming_runs(*, today: dt.date, level: Level | None = None) -> QuerySet[CourseRun]:
    """Published runs whose last day is today or later, soonest first within each level.

    A query, not a list: the page slices it (a page of a Paginator) and only then are the
    page's days and options fetched, two more queries however many runs there are."""
    return _with_days_and_options(
        _published_runs(level)
        .filter(last_date__gte=today)  # type: ignore[misc]  # annotated by with_dates()
        .order_by("level__programme__name", "level__programme_id", "level__position",
                  F("first_date"), "id")
    )


def past_runs(*, today: dt.date, level: Level | None = None) -> QuerySet[CourseRun]:
    """Published runs that have finished, the most recent first."""
    return _with_days_and_options(
        _published_runs(level)
        .filter(last_date__lt=today)  # type: ignore[misc]  # annotated by with_dates()
        .order_by(F("first_date").desc(), "-id")
    )


def catalogue_levels() -> list[Level]:
    """Every level of every programme, in programme and position order: one query."""
    return list(
        Level.objects.select_related("programme", "programme__provider", "prerequisite")
        .order_by("programme__name", "programme_id", "position", "id")
    )


def run_for_page(*, run_id: int, viewer: User | AnonymousUser) -> CourseRun | None:
    """A run as its public page shows it, or None when this viewer may not see it.

    Drafts are visible to staff only (so the back office can preview them); published and
    cancelled runs to everyone. Five queries: the run with its level, programme, provider,
    prerequisite and fee; its days; its options; its level's coursework; its level's accepted
    professional bodies.
    """
    runs = _with_days_and_options(
        CourseRun.objects.select_related(
            "level", "level__programme", "level__programme__provider", "level__prerequisite",
            "level__assessment_fee",
        )
    ).prefetch_related("level__coursework", "level__accepted_bodies")
    if not viewer.is_staff:
        runs = runs.exclude(status=RunStatus.DRAFT)
    # order_by(): `first()` would otherwise order by the model's default, run -> level -> programme.
    return runs.filter(pk=run_id).order_by().first()


def level_for_page(*, programme_slug: str, level_slug: str) -> Level | None:
    """A level with its programme, provider, prerequisite, fee, coursework and accepted
    professional bodies: three queries."""
    return (
        Level.objects.select_related(
            "programme", "programme__provider", "prerequisite", "assessment_fee"
        )
        .prefetch_related("coursework", "accepted_bodies")
        .filter(programme__slug=programme_slug, slug=level_slug)
        .first()
    )


def programmes_for_map() -> list[Programme]:
    """Every programme with its levels in order and each level's prerequisite: two queries."""
    return list(
        Programme.objects.order_by("name", "id").prefetch_related(
            Prefetch(
                "levels",
                queryset=Level.objects.select_related("prerequisite").order_by("position", "id"),
            )
        )
    )


def programme_for_certification(*, slug: str) -> Programme | None:
    """A programme as its certification page shows it: with its provider, the levels its
    certificate requires in order, each with its programme (for its address), its fees and its
    coursework. Three queries."""
    return (
        Programme.objects.select_related("provider")
        .prefetch_related(
            Prefetch(
                "certificate_levels",
                queryset=Level.objects.select_related("programme", "assessment_fee", "resubmission_fee")
                .prefetch_related("coursework").order_by("position", "id"),
            )
        )
        .filter(slug=slug)
        .first()
    )


def current_guidelines(*, programme_slug: str) -> Guidelines | None:
    """The newest version of a programme's course guidelines, or None: one query."""
    return Guidelines.objects.filter(programme__slug=programme_slug).current()


def guidelines_versions(*, programme: Programme) -> list[Guidelines]:
    """Every version of a programme's guidelines, the newest first, with who uploaded each."""
    return list(Guidelines.objects.filter(programme=programme).select_related("uploaded_by")
                .order_by("-version"))


def site_provider() -> Provider | None:
    """The provider who runs this site, named in every page's footer: the first one entered
    (the catalogue may hold other providers' programmes; the site's own pages are the first's)."""
    return Provider.objects.order_by("pk").first()
