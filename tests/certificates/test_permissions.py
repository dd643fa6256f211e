"""Every certificates URL, and the participant's attendance page, for each persona: anonymous,
the holder, another participant, another run's trainer, the run's trainer and the coordinator.
What each may do is checked in the database afterwards, not only by status code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from trainingdesk.accounts.models import Role
from trainingdesk.accounts.roles import grant_role

PERSONAS = ["anonymous", "holder", "another participant", "another run's trainer",
            "the run's trainer", "coordinator"]

# persona -> expected status for (verify page, PDF download, revoke form GET, revoke POST)
EXPECTED = {
    "anonymous": (200, 302, 302, 302),
    "holder": (200, 200, 403, 403),
    "another participant": (200, 404, 403, 403),
    "another run's trainer": (200, 404, 403, 403),
    "the run's trainer": (200, 404, 403, 403),
    "coordinator": (200, 200, 200, 302),
}


def _log_in(client, persona, request, confirmation):
    if persona == "anonymous":
        return
    if persona == "holder":
        client.force_login(confirmation.participant)
    elif persona == "another participant":
        client.force_login(request.getfixturevalue("outsider"))
    elif persona == "another run's trainer":
        other = UserFactory(full_name="Olga Othertrainer")
        grant_role(other, Role.TRAINER)
        client.force_login(other)
    elif persona == "the run's trainer":
        client.force_login(request.getfixturevalue("trainer"))
    else:
        client.force_login(request.getfixturevalue("coordinator"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_certificates_url_admits_only_those_who_may_use_it(client, request, confirmation,
                                                                persona):
    _log_in(client, persona, request, confirmation)
    code = confirmation.code
    statuses = (
        client.get(reverse("certificates:verify", args=[code])).status_code,
        client.get(reverse("certificates:confirmation_pdf", args=[code])).status_code,
        client.get(reverse("certificates:revoke", args=[code])).status_code,
        client.post(reverse("certificates:revoke", args=[code]), {"reason": "test"}).status_code,
    )
    assert statuses == EXPECTED[persona]
    confirmation.refresh_from_db()
    assert (confirmation.revoked_at is not None) == (persona == "coordinator")


@pytest.mark.parametrize("persona", PERSONAS)
def test_my_attendance_shows_each_person_only_their_own(client, request, confirmation, persona):
    _log_in(client, persona, request, confirmation)
    response = client.get(reverse("attendance:mine"))
    if persona == "anonymous":
        assert response.status_code == 302
        return
    page = response.content.decode()
    assert (confirmation.code in page) == (persona == "holder")
