"""The coordinator's confirmation pages, for every persona: only the coordinator sees a
confirmation's record, keeps a flagged one or issues a new one in place of a revoked one. After
each refused POST the database is checked: nothing changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.attendance.conftest import booked
from tests.attendance.fixtures_extra import *  # noqa: F403 - the fixtures
from tests.attendance.fixtures_extra import day
from trainingdesk.attendance import services
from trainingdesk.attendance.models import AttendanceConfirmation, MarkStatus
from trainingdesk.attendance.services import MarkInput
from trainingdesk.audit.models import AuditEntry

pytestmark = pytest.mark.usefixtures("after_the_last_day")

PERSONAS = ["anonymous", "participant", "another participant", "another run's trainer",
            "the run's trainer", "coordinator"]


@pytest.fixture
def confirmations(foundation_run, option, participant, outsider, trainer, coordinator):
    """The participant's confirmation, flagged; the other participant's, revoked."""
    mine, theirs = booked(foundation_run, option, participant), booked(foundation_run, option, outsider)
    for number in (1, 2, 3, 4):
        services.record_marks(day=day(foundation_run, number), actor=trainer,
                              marks=[MarkInput(mine.pk, MarkStatus.PRESENT),
                                     MarkInput(theirs.pk, MarkStatus.PRESENT)])
    services.record_marks(day=day(foundation_run, 4), actor=trainer,
                          marks=[MarkInput(mine.pk, MarkStatus.LATE, 15)])
    revoked = services.revoke_confirmation(confirmation=AttendanceConfirmation.objects.get(booking=theirs),
                                           reason="In error", actor=coordinator)
    return AttendanceConfirmation.objects.get(booking=mine), revoked


def _log_in(client, persona, request):
    user = {"participant": "participant", "another participant": "outsider",
            "another run's trainer": "other_trainer", "the run's trainer": "trainer",
            "coordinator": "coordinator"}.get(persona)
    if user:
        client.force_login(request.getfixturevalue(user))


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_opens_a_confirmations_record(client, request, confirmations, persona):
    flagged, revoked = confirmations
    _log_in(client, persona, request)
    for confirmation in (flagged, revoked):
        url = reverse("attendance:confirmation", args=[confirmation.code])
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302
            assert response["Location"] == reverse("accounts:login") + "?next=" + url
        elif persona == "coordinator":
            assert response.status_code == 200 and confirmation.code in response.content.decode()
        else:
            assert response.status_code == 403
            assert confirmation.holder_name not in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_keeps_a_flagged_confirmation(client, request, confirmations, persona):
    flagged, _ = confirmations
    _log_in(client, persona, request)

    response = client.post(reverse("attendance:keep_confirmation", args=[flagged.code]), {"note": "ok"})

    flagged.refresh_from_db()
    if persona == "coordinator":
        assert response.status_code == 302 and not flagged.needs_review
    else:
        assert response.status_code == (302 if persona == "anonymous" else 403)
        assert flagged.needs_review
        assert not AuditEntry.objects.filter(action="attendance.confirmation.kept").exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_issues_a_new_confirmation(client, request, confirmations, persona):
    _, revoked = confirmations
    _log_in(client, persona, request)

    response = client.post(reverse("attendance:reissue_confirmation", args=[revoked.code]))

    issued = AttendanceConfirmation.objects.filter(booking=revoked.booking).count()
    if persona == "coordinator":
        assert response.status_code == 302 and issued == 2
    else:
        assert response.status_code == (302 if persona == "anonymous" else 403)
        assert issued == 1
        assert not AuditEntry.objects.filter(action="attendance.confirmation.reissued").exists()


def test_the_posts_refuse_a_get_and_an_unknown_code_is_not_found(client, coordinator, confirmations):
    flagged, revoked = confirmations
    client.force_login(coordinator)
    assert client.get(reverse("attendance:keep_confirmation", args=[flagged.code])).status_code == 405
    assert client.get(reverse("attendance:reissue_confirmation", args=[revoked.code])).status_code == 405
    for name in ("attendance:confirmation", "attendance:keep_confirmation",
                 "attendance:reissue_confirmation"):
        method = client.get if name == "attendance:confirmation" else client.post
        assert method(reverse(name, args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"])).status_code == 404
    flagged.refresh_from_db()
    assert flagged.needs_review
    assert AttendanceConfirmation.objects.count() == 2
