"""The public catalogue through the API: anyone reads it; a token needs read:catalogue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api.conftest import KINDS, Api, World, assert_problem
from tests.factories import CourseRunFactory, PriceOptionFactory
from trainingdesk.api import services as tokens
from trainingdesk.catalogue.models import RunStatus


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("path", ["levels", "runs", "run"])
def test_every_kind_of_caller_reads_the_catalogue(api: Api, world: World, run, kind, path):
    response = api.get(f"runs/{run.pk}" if path == "run" else path, world.tokens[kind])
    assert response.status_code == 200, response.content


def test_a_token_without_read_catalogue_is_refused(api, world, participant):
    token = tokens.create_token(actor=participant, name="B", scopes=["book"]).secret
    assert assert_problem(api.get("runs", token), 403)["detail"] == "This token may not read:catalogue."


def test_a_run_shows_its_days_with_offsets_options_with_vat_and_places_left(api, world, run):
    body = api.get(f"runs/{run.pk}").json()
    assert body["places_left"] == 0 and body["capacity"] == 3
    assert body["booking_state"] == "open"
    assert len(body["days"]) == 4
    first = body["days"][0]
    assert first["starts_at"][-6:] in {"+00:00", "+01:00"}
    assert dt.datetime.fromisoformat(first["starts_at"]).hour == 9
    [option] = body["options"]
    assert option["price"]["gross"] == {"amount": "792.00", "currency": "GBP"}
    assert body["url"].endswith(f"/runs/{run.pk}/") or str(run.pk) in body["url"]


def test_drafts_are_not_in_the_catalogue(api, world, run):
    draft = CourseRunFactory(status=RunStatus.DRAFT, days=[timezone.localdate() + dt.timedelta(days=30)])
    assert draft.pk not in {r["id"] for r in api.get("runs").json()["items"]}
    assert_problem(api.get(f"runs/{draft.pk}"), 404)


def _runs(count: int, start: dt.date) -> list[int]:
    made = []
    for n in range(count):
        run = CourseRunFactory(days=[start + dt.timedelta(days=n // 2)])  # two runs a day
        PriceOptionFactory(run=run)
        made.append(run.pk)
    return made


def test_runs_come_by_first_day_in_stable_pages_and_filter_by_date(api, world, run):
    start = timezone.localdate() + dt.timedelta(days=10)
    made = _runs(7, start)
    seen: list[int] = []
    url: str | None = "runs?limit=2"
    while url:
        page = api.get(url).json()
        assert len(page["items"]) <= 2
        seen += [r["id"] for r in page["items"]]
        url = page["next"]
    assert seen == [*made, run.pk]
    after = api.get(f"runs?starts_after={start + dt.timedelta(days=1)}").json()["items"]
    assert [r["id"] for r in after] == [*made[4:], run.pk]
    before = api.get(f"runs?starts_before={start + dt.timedelta(days=1)}").json()["items"]
    assert [r["id"] for r in before] == made[:2]


def test_the_runs_take_as_many_queries_for_ten_runs_as_for_one(api, world, run, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # each answer built, not read from the cache
    def count() -> int:
        api.get("runs?limit=100")  # the rate limit's count for this minute exists from now on
        with CaptureQueriesContext(connection) as queries:
            assert api.get("runs?limit=100").status_code == 200
        return len(queries)

    one = count()
    _runs(9, timezone.localdate() + dt.timedelta(days=10))
    assert count() == one


def test_a_booking_shows_in_places_left_at_once_though_the_list_is_cached(
        api, world, run, participant, django_capture_on_commit_callbacks):
    from trainingdesk.bookings.services import cancel_booking
    assert api.get(f"runs/{run.pk}").json()["places_left"] == 0
    assert api.get("runs").json()["items"][0]["places_left"] == 0
    with django_capture_on_commit_callbacks(execute=True):  # as when the cancellation commits
        cancel_booking(booking=world.pats_booking, actor=participant)  # audited: a new version
    assert api.get(f"runs/{run.pk}").json()["places_left"] == 1
    assert api.get("runs").json()["items"][0]["places_left"] == 1
