"""People in the back office: a coordinator keeps participants' accounts, but cannot change,
delete or set the password of a superuser's account, and so cannot take it over."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import PASSWORD
from trainingdesk.accounts.models import User
from trainingdesk.audit.models import AuditEntry

PEOPLE_URL = "/back-office/accounts/user/"
NEW_PASSWORD = "a long new passphrase 42"


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser("boss@example.org", PASSWORD, full_name="Bea Boss")


@pytest.fixture
def client_as_coordinator(client: Client, coordinator: User) -> Client:
    client.force_login(coordinator)
    return client


def change_url(user: User) -> str:
    return f"{PEOPLE_URL}{user.pk}/change/"


def password_url(user: User) -> str:
    return f"{PEOPLE_URL}{user.pk}/password/"


def person_post(user: User, **changes: Any) -> dict[str, Any]:
    """The change page of `user` as a coordinator posts it, with `changes` to its fields."""
    data: dict[str, Any] = {
        "email": user.email, "full_name": user.full_name, "job_role": user.job_role,
        "sector": user.sector, "organisation_name": user.organisation_name,
        "country": user.country, "time_zone": user.time_zone,
        "groups": [g.pk for g in user.groups.all()],
        "registrations-TOTAL_FORMS": 0, "registrations-INITIAL_FORMS": 0,
        "registrations-MIN_NUM_FORMS": 0, "registrations-MAX_NUM_FORMS": 1000,
    }
    for flag in ("is_member", "is_active", "is_staff"):
        if getattr(user, flag):
            data[flag] = "on"
    data.update(changes)
    return data


def password_post(password: str = NEW_PASSWORD) -> dict[str, str]:
    return {"usable_password": "true", "password1": password, "password2": password}


def stored(user: User) -> User:
    return User.objects.get(pk=user.pk)


# --- A superuser's account ---------------------------------------------------------------------

def test_a_coordinator_cannot_open_a_superusers_change_page(
    client_as_coordinator: Client, superuser: User
) -> None:
    assert client_as_coordinator.get(change_url(superuser)).status_code == 403


def test_a_coordinator_cannot_change_a_superusers_email(
    client_as_coordinator: Client, superuser: User
) -> None:
    response = client_as_coordinator.post(
        change_url(superuser), person_post(superuser, email="cora-again@example.org")
    )
    assert response.status_code == 403
    assert stored(superuser).email == "boss@example.org"
    assert not AuditEntry.objects.filter(action="accounts.user.changed").exists()


def test_a_coordinator_cannot_set_a_superusers_password(
    client_as_coordinator: Client, superuser: User
) -> None:
    assert client_as_coordinator.get(password_url(superuser)).status_code == 403
    response = client_as_coordinator.post(password_url(superuser), password_post())
    assert response.status_code == 403
    boss = stored(superuser)
    assert boss.check_password(PASSWORD)
    assert not boss.check_password(NEW_PASSWORD)
    assert not AuditEntry.objects.filter(action="accounts.user.password_changed").exists()


def test_a_coordinator_cannot_delete_a_superuser(
    client_as_coordinator: Client, superuser: User
) -> None:
    url = f"{PEOPLE_URL}{superuser.pk}/delete/"
    assert client_as_coordinator.get(url).status_code == 403
    assert client_as_coordinator.post(url, {"post": "yes"}).status_code == 403
    response = client_as_coordinator.post(PEOPLE_URL, {
        "action": "delete_selected", "_selected_action": [superuser.pk], "post": "yes",
    })
    assert response.status_code in (200, 403)
    assert User.objects.filter(pk=superuser.pk).exists()


def test_a_coordinator_cannot_read_a_superusers_history(
    client_as_coordinator: Client, superuser: User
) -> None:
    assert client_as_coordinator.get(f"{PEOPLE_URL}{superuser.pk}/history/").status_code == 403


def test_a_coordinator_still_sees_a_superuser_in_the_list(
    client_as_coordinator: Client, superuser: User
) -> None:
    response = client_as_coordinator.get(PEOPLE_URL)
    assert response.status_code == 200
    assert "Bea Boss" in response.content.decode()


def test_a_superuser_may_change_another_superusers_email_and_password(
    client: Client, superuser: User
) -> None:
    other = User.objects.create_superuser("deputy@example.org", PASSWORD, full_name="Dee Deputy")
    client.force_login(superuser)
    response = client.post(change_url(other), person_post(other, email="dee@example.org",
                                                          is_superuser="on"))
    assert response.status_code == 302
    assert client.post(password_url(other), password_post()).status_code == 302
    deputy = stored(other)
    assert (deputy.email, deputy.is_superuser) == ("dee@example.org", True)
    assert deputy.check_password(NEW_PASSWORD)


# --- A participant's account -------------------------------------------------------------------

def test_a_coordinator_may_change_a_participants_email(
    client_as_coordinator: Client, participant: User, coordinator: User
) -> None:
    response = client_as_coordinator.post(
        change_url(participant), person_post(participant, email="pat.new@example.org")
    )
    assert response.status_code == 302
    assert stored(participant).email == "pat.new@example.org"
    entry = AuditEntry.objects.get(action="accounts.user.changed")
    assert (entry.actor, entry.before["email"], entry.after["email"]) == (
        coordinator, "pat@example.org", "pat.new@example.org")


def test_a_coordinator_may_set_a_participants_password(
    client_as_coordinator: Client, participant: User, coordinator: User
) -> None:
    assert client_as_coordinator.get(password_url(participant)).status_code == 200
    response = client_as_coordinator.post(password_url(participant), password_post())
    assert response.status_code == 302
    assert stored(participant).check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="accounts.user.password_changed")
    assert entry.actor == coordinator


def test_an_organisation_named_with_hidden_direction_controls_is_refused(client, coordinator):
    from trainingdesk.accounts.models import Organisation

    client.force_login(coordinator)
    response = client.post("/back-office/accounts/organisation/add/", {
        "name": "Camden \u202eCouncil", "billing_address": "Judd Street\nLondon", "postcode": "WC1H 9JE",
        "invoice_email": "invoices@camden.example",
    })
    assert response.status_code == 200
    assert "hidden direction-control characters" in response.content.decode()
    assert not Organisation.objects.exists()
