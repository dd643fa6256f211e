from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

from tests.factories import UserFactory
from trainingdesk.accounts.bodies import add_published_bodies
from trainingdesk.accounts.models import ProfessionalBody, Role, User
from trainingdesk.accounts.roles import grant_role
from trainingdesk.catalogue import demo

# Real password hashing takes most of a second a person; the tests make hundreds of people.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_at_once():
    """Tasks run at once, in the test's own thread, when the transaction that enqueued them
    commits; tests/notifications/test_worker.py runs a real `db_worker` on the database instead."""
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate):
        yield


@pytest.fixture(autouse=True)
def _empty_cache(request: pytest.FixtureRequest, django_db_blocker: Any):
    """Each test that uses the database starts with an empty cache: no page or rate-limit count
    from another test. (The cache is a table in the database, as on a site without Redis.)
    A transactional test empties every table when it ends, the data migrations' rows too: the
    professional bodies that migration accounts 0004 seeded are then put back, as pages that
    ask for a registration expect them."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    if transactional or marker or "db" in request.fixturenames:
        request.getfixturevalue("transactional_db" if transactional else "db")
        caches["default"].clear()
    if transactional:
        # Before it too: whichever test ran before in this process may have flushed them.
        with django_db_blocker.unblock():
            add_published_bodies(ProfessionalBody)
    yield
    if transactional:
        # transactional_db was set up after this fixture, so its flush has run by now.
        with django_db_blocker.unblock():
            add_published_bodies(ProfessionalBody)


@pytest.fixture
def participant(db: None) -> User:
    return UserFactory(full_name="Pat Participant", email="pat@example.org")


@pytest.fixture
def outsider(db: None) -> User:
    return UserFactory(full_name="Oscar Outsider", email="oscar@example.org")


@pytest.fixture
def coordinator(db: None) -> User:
    user = UserFactory(full_name="Cora Coordinator", email="cora@example.org")
    grant_role(user, Role.COORDINATOR)
    return user


@pytest.fixture
def trainer(db: None) -> User:
    user = UserFactory(full_name="Tom Trainer", email="tom@example.org")
    grant_role(user, Role.TRAINER)
    return user


@pytest.fixture
def supervisor_user(db: None) -> User:
    """A person with the supervisor role (supervision's tests make their Supervisor record)."""
    user = UserFactory(full_name="Sue Supervisor", email="sue@example.org")
    grant_role(user, Role.SUPERVISOR)
    return user


@pytest.fixture
def assessor(db: None) -> User:
    user = UserFactory(full_name="Asha Assessor", email="asha@example.org")
    grant_role(user, Role.ASSESSOR)
    return user


@pytest.fixture
def moderator(db: None) -> User:
    """A second assessor, for second marking."""
    user = UserFactory(full_name="Milo Moderator", email="milo@example.org")
    grant_role(user, Role.ASSESSOR)
    return user


@pytest.fixture
def brochure(db: None) -> demo.Demo:
    """The brochure's programme, loaded as `make demo` loads it, as of 25 November 2026."""
    return demo.load_demo(today=dt.date(2026, 11, 25))


@pytest.fixture(autouse=True)
def _credentials_verified_independently(monkeypatch: pytest.MonkeyPatch):
    """Every Open Badges credential a test signs through the site (certificates, confirmations,
    the status list) is also verified, when the test ends, by an implementation that is not ours:
    Digital Bazaar's (tests/verifier), given the DID document the site publishes. A copy is kept
    as signed, so a test that then tampers with one checks its own refusal, not this one."""
    import copy

    from trainingdesk.certificates import openbadges

    signed: list[dict[str, Any]] = []
    sign = openbadges.sign

    def sign_and_keep(credential: dict[str, Any], *, created: dt.datetime) -> dict[str, Any]:
        result = sign(credential, created=created)
        signed.append(copy.deepcopy(result))
        return result

    monkeypatch.setattr(openbadges, "sign", sign_and_keep)
    yield
    if signed:
        from tests.verifier.independent import independent_verify

        did_document = openbadges.did_document()
        for credential in signed:
            verified, why = independent_verify(credential, did_document)
            assert verified, f"{credential.get('id')}: {why}"
