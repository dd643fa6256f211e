"""The public catalogue pages are cached for anonymous visitors, and any change shows at once."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import override_settings
from django.urls import reverse

from trainingdesk.catalogue.services import copy_run, publish_run

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
def test_a_second_anonymous_visit_is_served_from_the_cache(client, brochure,
                                                          django_assert_num_queries):
    url = reverse("catalogue:run", args=[brochure.upcoming[0].pk])
    first = client.get(url).content
    # The version (the newest audit entry) and the page, from the cache's table; with Redis as
    # the cache, the version alone.
    with django_assert_num_queries(2):
        second = client.get(url).content
    assert second == first


@time_machine.travel(NOW, tick=False)
def test_an_audited_change_shows_at_once(client, brochure, coordinator):
    assert "Winter special" not in client.get("/").content.decode()
    copy = copy_run(run=brochure.upcoming[0], first_date=dt.date(2027, 3, 2),
                    title="Winter special", actor=coordinator)
    publish_run(run=copy, actor=coordinator)
    assert "Winter special" in client.get("/").content.decode()


@time_machine.travel(NOW, tick=False)
def test_each_viewer_zone_has_its_own_copy(client, brochure):
    url = reverse("catalogue:run", args=[brochure.upcoming[0].pk])
    uk = client.get(url).content.decode()
    client.cookies["tz"] = "Asia/Tokyo"
    tokyo = client.get(url).content.decode()
    assert "Asia/Tokyo" in tokyo and "Asia/Tokyo" not in uk


@time_machine.travel(NOW, tick=False)
def test_signed_in_people_always_get_their_own_page(client, brochure, participant):
    assert "Sign out" not in client.get("/").content.decode()
    client.force_login(participant)
    page = client.get("/").content.decode()
    assert "Sign out" in page and "My training" in page


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)
@time_machine.travel(NOW, tick=False)
def test_the_cache_can_be_turned_off(client, brochure, django_assert_max_num_queries):
    client.get("/")
    with django_assert_max_num_queries(20) as captured:
        client.get("/")
    assert len(captured.captured_queries) > 1
