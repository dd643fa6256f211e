"""A member's and a supervisor's calendar feed holds the group's sessions, and follows a move
or a cancellation (same UID, a higher SEQUENCE, STATUS:CANCELLED); nobody else's feed has them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from django.urls import reverse

from tests.supervision.conftest import attended
from trainingdesk.accounts.feeds import create_feed
from trainingdesk.supervision import services
from trainingdesk.supervision.models import SupervisionSession

NOW = dt.datetime(2022, 10, 1, 9, 0, tzinfo=dt.UTC)


def _events(client, token: str) -> dict[str, icalendar.Event]:
    response = client.get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT") if "supervision" in str(e["UID"])}


def test_the_feed_follows_a_moved_and_a_cancelled_session(client, coordinator, summer, trainer,
                                                          tuesday_group, supervisor, outsider):
    tuesday_group.runs.add(summer)
    services.plan_sessions(group=tuesday_group, actor=coordinator)
    member = attended(summer, trainer)
    services.allocate(booking=member, group=tuesday_group, actor=coordinator, now=NOW)
    token = create_feed(user=member.participant)
    before = _events(client, token)
    assert len(before) == 6
    first, second = SupervisionSession.objects.order_by("starts_at")[:2]
    uid = f"supervision-{first.pk}@trainingdesk"
    services.move_session(session=first, actor=coordinator, now=NOW,
                          new_start=dt.datetime(2022, 10, 25, 19, 0, tzinfo=ZoneInfo("Europe/London")))
    services.cancel_session(session=second, actor=coordinator, now=NOW)
    after = _events(client, token)
    assert after[uid]["DTSTART"].dt == dt.datetime(2022, 10, 25, 18, 0, tzinfo=dt.UTC)
    assert int(after[uid]["SEQUENCE"]) > int(before[uid].get("SEQUENCE", 0))
    assert str(after[f"supervision-{second.pk}@trainingdesk"]["STATUS"]) == "CANCELLED"
    assert len(_events(client, create_feed(user=supervisor.user))) == 6
    assert _events(client, create_feed(user=outsider)) == {}
