"""Schemathesis against the live contract: every operation, called with a coordinator's, a
participant's and an employer's token, with none, and with a token for each single scope, never
answers 500 and every answer matches its schema in /api/v1/openapi.json. Kept small (20
examples an operation, 8 for each scope) and deterministic (derandomized), so it runs in every
`make test`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import response_schema_conformance

from trainingdesk.api import services as tokens
from trainingdesk.api.api import api
from trainingdesk.api.models import Scope

# What /api/v1/openapi.json serves (the same call its view makes), read at collection, when the
# database may not be used yet.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = WSGIHandler()

CHECKS = [schemathesis.checks.not_a_server_error, response_schema_conformance]


@pytest.fixture
def _in_the_test_s_transaction(settings_fixture: None) -> Iterator[None]:
    """The app is called in the test's thread, on its connection: keep Django from closing that
    connection at each request's start and end, as its test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def settings_fixture(settings) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000  # the fuzzing is not what the limit is for
    settings.ALLOWED_HOSTS = ["*"]


def _check(case, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


@pytest.mark.usefixtures("_in_the_test_s_transaction")
@schema.parametrize()
@settings(max_examples=20, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_contract_for_the_coordinator(case, world):
    _check(case, world.tokens["coordinator"])


@pytest.mark.usefixtures("_in_the_test_s_transaction")
@schema.parametrize()
@settings(max_examples=20, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_contract_for_a_participant(case, world):
    _check(case, world.tokens["participant"])


@pytest.mark.usefixtures("_in_the_test_s_transaction")
@schema.parametrize()
@settings(max_examples=20, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_contract_for_an_employer(case, world):
    _check(case, world.tokens["employer"])


@pytest.mark.usefixtures("_in_the_test_s_transaction")
@schema.parametrize()
@settings(max_examples=20, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_contract_without_a_token(case, world):
    case.call_and_validate(checks=CHECKS)


@pytest.mark.usefixtures("_in_the_test_s_transaction")
@pytest.mark.parametrize("scope", Scope.values)
@schema.parametrize()
@settings(max_examples=8, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_contract_for_a_token_with_one_scope(case, world, coordinator, scope):
    """The coordinator's token, which sees everything, limited to one scope: every other
    operation must answer its 403 as the contract says."""
    token = tokens.create_token(actor=coordinator, user=coordinator, name=scope, scopes=[scope])
    _check(case, token.secret)
