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
    # The version (the newest audit entry) and the page, both from the cache's table; with Redis
    # as the cache, none.
    with django_assert_num_queries(2):
        second = client.get(url).content
    assert second == first


def _publish_winter_special(brochure, coordinator) -> None:
    """An audited change to the catalogue: a new run, published."""
    copy = copy_run(run=brochure.upcoming[0], first_date=dt.date(2027, 3, 2), title="Winter special",
                    actor=coordinator)
    copy.joining_link = "https://zoom.us/j/123"
    copy.save(update_fields=["joining_link"])
    publish_run(run=copy, actor=coordinator)


@time_machine.travel(NOW, tick=False)
def test_an_audited_change_shows_at_once(client, brochure, coordinator, django_capture_on_commit_callbacks):
    assert "Winter special" not in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the change commits
        _publish_winter_special(brochure, coordinator)
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


# --- the shared body: what signed-in people get ---------------------------------------------

def _main(html: str) -> str:
    return html[html.index('<main id="main"'):html.index("</main>")]


@time_machine.travel(NOW, tick=False)
def test_signed_in_people_share_the_main_content_and_keep_their_own_header(
    client, brochure, participant, outsider, django_assert_max_num_queries
):
    url = reverse("catalogue:run", args=[brochure.upcoming[0].pk])
    client.force_login(participant)
    first = client.get(url).content.decode()
    client.force_login(outsider)
    # Their session, user and roles, the version, the body, the footer's provider: none of the
    # run's own queries.
    with django_assert_max_num_queries(6):
        second = client.get(url).content.decode()
    assert _main(second) == _main(first)
    assert brochure.upcoming[0].title in _main(second)
    assert "Sign out" in second


@time_machine.travel(NOW, tick=False)
def test_a_change_shows_at_once_to_signed_in_people_too(
    client, brochure, participant, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(participant)
    assert "Winter special" not in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the change commits
        _publish_winter_special(brochure, coordinator)
    assert "Winter special" in client.get("/").content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_draft_seen_by_staff_is_never_shown_to_anyone_else(client, brochure, coordinator, participant):
    draft = copy_run(run=brochure.upcoming[0], first_date=dt.date(2027, 3, 2), title="Secret draft",
                     actor=coordinator)
    url = reverse("catalogue:run", args=[draft.pk])
    client.force_login(coordinator)
    assert "Secret draft" in client.get(url).content.decode()
    client.force_login(participant)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_a_cached_copy_keeps_the_pages_security_headers(client, brochure):
    url = reverse("catalogue:run", args=[brochure.upcoming[0].pk])
    first = client.get(url)
    second = client.get(url)
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Type", "Content-Language"):
        assert second[header] == first[header], header
    assert "frame-ancestors 'none'" in second["Content-Security-Policy"]


@time_machine.travel(NOW, tick=False)
def test_pages_that_are_not_public_never_come_from_the_cache(client, brochure, django_assert_num_queries):
    client.get(reverse("accounts:login"))
    with django_assert_num_queries(1):  # the footer's provider: no version lookup, no cache read
        assert client.get(reverse("accounts:login")).status_code == 200

