"""The coordinator sees on a person's page in the back office that signing in is paused for them,
and lifts the pause with one button; the person can then sign in at once."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from trainingdesk.accounts.models import User
from trainingdesk.audit.models import AuditEntry

SIGN_IN = reverse("accounts:login")


def _fail(email: str, times: int, address: str = "127.0.0.1") -> None:
    client = Client(REMOTE_ADDR=address)
    for _ in range(times):
        client.post(SIGN_IN, {"username": email, "password": "not-the-password"})


def _signs_in(email: str) -> bool:
    return Client().post(SIGN_IN, {"username": email, "password": PASSWORD}).status_code == 302


def _unlock_url(user: User) -> str:
    return reverse("admin:accounts_user_unlock", args=[user.pk])


def _change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


@pytest.fixture
def office(client: Client, coordinator: User) -> Client:
    client.force_login(coordinator)
    return client


def test_the_persons_page_says_signing_in_is_paused_and_offers_to_unlock(
    office: Client, participant: User
) -> None:
    _fail(participant.email, settings.AXES_FAILURE_LIMIT)
    html = office.get(_change_url(participant)).content.decode()
    assert "Signing in is paused" in html
    assert f"{settings.AXES_FAILURE_LIMIT} failed attempts" in html
    assert f'action="{_unlock_url(participant)}"' in html
    assert "Unlock signing in" in html


def test_the_persons_page_offers_nothing_when_there_have_been_no_failures(
    office: Client, participant: User
) -> None:
    html = office.get(_change_url(participant)).content.decode()
    assert "Unlock signing in" not in html
    assert "Signing in is paused" not in html


def test_a_few_failures_are_shown_without_saying_signing_in_is_paused(
    office: Client, participant: User
) -> None:
    _fail(participant.email, 2)
    html = office.get(_change_url(participant)).content.decode()
    assert "2 failed attempts" in html
    assert "Signing in is paused" not in html
    assert "Unlock signing in" in html


def test_unlocking_lets_the_person_sign_in_at_once_from_every_address(
    office: Client, participant: User
) -> None:
    _fail(participant.email, settings.AXES_FAILURE_LIMIT, "203.0.113.9")
    _fail(participant.email, settings.AXES_FAILURE_LIMIT)
    assert not _signs_in(participant.email)
    response = office.post(_unlock_url(participant), follow=True)
    assert response.redirect_chain == [(_change_url(participant), 302)]
    assert "Pat Participant can sign in again." in response.content.decode()
    assert not AccessAttempt.objects.filter(username=participant.email).exists()
    assert _signs_in(participant.email)


def test_unlocking_leaves_other_peoples_failures_alone(
    office: Client, participant: User, outsider: User
) -> None:
    _fail(participant.email, settings.AXES_FAILURE_LIMIT)
    _fail(outsider.email, settings.AXES_FAILURE_LIMIT, "198.51.100.7")
    office.post(_unlock_url(participant))
    assert AccessAttempt.objects.filter(username=outsider.email).exists()


def test_unlocking_is_audited(office: Client, coordinator: User, participant: User) -> None:
    _fail(participant.email, settings.AXES_FAILURE_LIMIT)
    office.post(_unlock_url(participant))
    entry = AuditEntry.objects.get(action="accounts.user.sign_in_unlocked")
    assert entry.actor_id == coordinator.pk
    assert entry.object_id == str(participant.pk)
    assert entry.before == {"failed_sign_ins": settings.AXES_FAILURE_LIMIT}


def test_unlocking_takes_a_post(office: Client, participant: User) -> None:
    _fail(participant.email, settings.AXES_FAILURE_LIMIT)
    assert office.get(_unlock_url(participant)).status_code == 405
    assert AccessAttempt.objects.exists()


def test_unlocking_someone_who_does_not_exist_is_a_404(office: Client) -> None:
    assert office.post(reverse("admin:accounts_user_unlock", args=[999999])).status_code == 404
    assert office.post("/back-office/accounts/user/not-a-number/unlock/").status_code == 404


def test_a_coordinator_cannot_unlock_a_superuser(office: Client) -> None:
    boss = User.objects.create_superuser("boss@example.org", PASSWORD, full_name="Bea Boss")
    _fail(boss.email, settings.AXES_FAILURE_LIMIT)
    assert office.post(_unlock_url(boss)).status_code == 403
    assert AccessAttempt.objects.filter(username=boss.email).exists()


@pytest.mark.parametrize("persona", ["anonymous", "participant", "outsider", "trainer"])
def test_no_one_but_the_back_office_can_unlock(
    client: Client, persona: str, participant: User, request: pytest.FixtureRequest
) -> None:
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    _fail(participant.email, settings.AXES_FAILURE_LIMIT)
    response = client.post(_unlock_url(participant))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert AccessAttempt.objects.filter(username=participant.email).exists()
    assert not AuditEntry.objects.filter(action="accounts.user.sign_in_unlocked").exists()


def test_a_member_of_staff_without_the_right_to_change_people_cannot_unlock(
    client: Client, participant: User
) -> None:
    staff = User.objects.create_user("staff@example.org", PASSWORD, full_name="Sid Staff", is_staff=True)
    client.force_login(staff)
    _fail(participant.email, settings.AXES_FAILURE_LIMIT)
    assert client.post(_unlock_url(participant)).status_code == 403
    assert AccessAttempt.objects.filter(username=participant.email).exists()
