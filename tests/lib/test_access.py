"""lib.access: the one way to say "coordinators only", on a page and in a service."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from trainingdesk.lib.access import coordinator_required, require_coordinator


@coordinator_required
def page(request):
    return HttpResponse("the coordinator's page")


def _get(user):
    request = RequestFactory().get("/control/somewhere/?page=2")
    request.user = user
    return page(request)


def test_a_service_lets_the_coordinator_through(coordinator):
    require_coordinator(coordinator, "revoke a confirmation")


@pytest.mark.parametrize("persona", ["participant", "trainer", "inactive coordinator", "anonymous"])
def test_a_service_refuses_everyone_else_saying_what_only_the_coordinator_can_do(
        request, persona, coordinator):
    if persona == "inactive coordinator":
        coordinator.is_active = False
        actor = coordinator
    elif persona == "anonymous":
        actor = AnonymousUser()
    else:
        actor = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied, match=r"^Only the coordinator can assign make-up days\.$"):
        require_coordinator(actor, "assign make-up days")


def test_a_refusal_can_say_why_the_coordinator_is_needed_here(trainer):
    with pytest.raises(PermissionDenied,
                       match=r"^This register is closed: only the coordinator can change it\.$"):
        require_coordinator(trainer, "change it", because="This register is closed")


def test_a_page_is_the_coordinators_and_refuses_others_with_403(coordinator, trainer):
    assert _get(coordinator).content == b"the coordinator's page"
    with pytest.raises(PermissionDenied):
        _get(trainer)


def test_a_page_sends_an_anonymous_visitor_to_sign_in_and_back(db):
    response = _get(AnonymousUser())
    assert response.status_code == 302
    assert response["Location"].endswith("?next=/control/somewhere/%3Fpage%3D2")
