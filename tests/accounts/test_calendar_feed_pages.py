"""The profile page's "Your calendar feed": making, renewing and turning off the address, for
every persona, with the database checked after each refused request."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from trainingdesk.accounts import feeds
from trainingdesk.accounts.models import CalendarFeed, Role, User
from trainingdesk.accounts.roles import grant_role

pytestmark = pytest.mark.django_db

NEW = reverse("accounts:calendar_feed_new")
REVOKE = reverse("accounts:calendar_feed_revoke")
PROFILE = reverse("accounts:profile")


def _staff(role: Role) -> User:
    user = UserFactory()
    grant_role(user, role)
    return user


@pytest.fixture(params=["participant", "outsider", "coordinator", "trainer", "supervisor",
                        "assessor"])
def person(request: pytest.FixtureRequest) -> User:
    if request.param in {"supervisor", "assessor"}:
        return _staff(Role(request.param))
    user: User = request.getfixturevalue(request.param)
    return user


def _feeds() -> list[tuple[int, bool]]:
    """(person, live) of every feed, made or revoked."""
    return sorted((feed.user_id, feed.revoked_at is None) for feed in CalendarFeed.objects.all())


def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_changes(
    client: Client, participant: User
) -> None:
    feeds.create_feed(user=participant)
    before = _feeds()
    for url in (NEW, REVOKE):
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert _feeds() == before


def test_the_actions_refuse_a_get_and_change_nothing(client: Client, participant: User) -> None:
    client.force_login(participant)
    for url in (NEW, REVOKE):
        assert client.get(url).status_code == 405
        assert _feeds() == []


def test_each_persona_makes_their_own_feed_and_sees_its_address_once(
    client: Client, person: User
) -> None:
    client.force_login(person)
    assert "Make your calendar feed address" in client.get(PROFILE).content.decode()
    response = client.post(NEW)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    address = response.context["address"]
    assert address.startswith("http://testserver/calendar/") and address.endswith(".ics")
    assert address in response.content.decode()
    assert _feeds() == [(person.pk, True)]
    token = address.removeprefix("http://testserver/calendar/").removesuffix(".ics")
    assert token not in client.get(PROFILE).content.decode()  # shown once
    assert client.get(address).status_code == 200


def test_renewing_stops_the_old_address_working(client: Client, participant: User) -> None:
    client.force_login(participant)
    old = client.post(NEW).context["address"]
    page = client.get(PROFILE).content.decode()
    assert "Get a new address" in page and "Turn off your calendar feed" in page
    response = client.post(NEW)
    assert "Your old address no longer works" in response.content.decode()
    assert client.get(old).status_code == 404
    assert client.get(response.context["address"]).status_code == 200


def test_turning_off_stops_the_address_working(client: Client, participant: User) -> None:
    client.force_login(participant)
    address = client.post(NEW).context["address"]
    response = client.post(REVOKE, follow=True)
    assert "Your calendar feed is turned off" in response.content.decode()
    assert client.get(address).status_code == 404
    assert _feeds() == [(participant.pk, False)]


def test_nobody_can_renew_or_turn_off_another_persons_feed(
    client: Client, person: User, participant: User
) -> None:
    if person == participant:
        return
    token = feeds.create_feed(user=participant)
    before = _feeds()
    client.force_login(person)
    client.post(REVOKE)
    client.post(NEW)
    assert [row for row in _feeds() if row[0] == participant.pk] == before
    assert client.get(reverse("calendar_feed", args=[token])).status_code == 200


def test_the_feed_is_not_cached_by_the_public_page_cache(client: Client, participant: User) -> None:
    token = feeds.create_feed(user=participant)
    url = reverse("calendar_feed", args=[token])
    assert client.get(url).status_code == 200
    feeds.revoke_feed(user=participant)
    assert client.get(url).status_code == 404
