"""A revoked confirmation can be replaced: the coordinator issues a new one (a new document
with a new code); the old one stays revoked and says it was replaced."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.attendance.conftest import booked
from tests.attendance.fixtures_extra import *  # noqa: F403 - the fixtures
from tests.attendance.fixtures_extra import day
from tests.emails import send_waiting_emails
from trainingdesk.attendance import services
from trainingdesk.attendance.models import AttendanceConfirmation, MarkStatus
from trainingdesk.attendance.services import MarkInput
from trainingdesk.audit.models import AuditEntry

pytestmark = pytest.mark.usefixtures("after_the_last_day")


def mark(run, number, booking, status, actor):
    services.record_marks(day=day(run, number), marks=[MarkInput(booking.pk, status)], actor=actor,
                          reason="Corrected")


@pytest.fixture
def revoked(foundation_run, option, participant, trainer, coordinator) -> AttendanceConfirmation:
    booking = booked(foundation_run, option, participant)
    for number in (1, 2, 3, 4):
        mark(foundation_run, number, booking, MarkStatus.PRESENT, trainer)
    confirmation = AttendanceConfirmation.objects.get(booking=booking)
    return services.revoke_confirmation(confirmation=confirmation, reason="Day 2 was recorded in error",
                                        actor=coordinator)


def test_the_coordinator_issues_a_new_confirmation_in_place_of_a_revoked_one(client, coordinator, revoked,
                                                                             participant):
    client.force_login(coordinator)
    send_waiting_emails()  # the revocation's

    response = client.post(reverse("attendance:reissue_confirmation", args=[revoked.code]))

    new = AttendanceConfirmation.objects.get(booking=revoked.booking, revoked_at__isnull=True)
    assert new.code != revoked.code and new.replaces == revoked
    assert response["Location"] == reverse("attendance:confirmation", args=[new.code])
    revoked.refresh_from_db()
    assert revoked.revoked_at is not None and revoked.revocation_reason == "Day 2 was recorded in error"
    assert [d["date"] for d in new.days] == ["2022-06-21", "2022-06-22", "2022-06-23", "2022-09-15"]
    entry = AuditEntry.objects.get(action="attendance.confirmation.reissued")
    assert entry.actor == coordinator and revoked.code in entry.reason
    (email,) = send_waiting_emails()
    assert email.to == [participant.email] and new.code in email.body
    assert email.attachments[0][0] == f"attendance-confirmation-{new.code}.pdf"


def test_the_old_code_says_it_was_replaced_and_leads_to_the_new_one(client, coordinator, revoked):
    new = services.reissue_confirmation(confirmation=revoked, actor=coordinator)

    page = client.get(reverse("certificates:verify", args=[revoked.code])).content.decode()

    assert "Revoked and replaced." in page and "Valid." not in page
    assert reverse("certificates:verify", args=[new.code]) in page
    assert "Valid." in client.get(reverse("certificates:verify", args=[new.code])).content.decode()


def test_the_holder_sees_the_new_confirmation_on_my_attendance(client, coordinator, revoked, participant):
    new = services.reissue_confirmation(confirmation=revoked, actor=coordinator)
    client.force_login(participant)

    page = client.get(reverse("attendance:mine")).content.decode()

    assert new.code in page and "was revoked" not in page
    assert reverse("certificates:confirmation_pdf", args=[new.code]) in page


def test_the_report_offers_a_new_confirmation_for_a_revoked_one_then_shows_the_new_one(
        client, coordinator, revoked, foundation_run):
    client.force_login(coordinator)
    url = reverse("attendance:run_report", args=[foundation_run.pk])
    reissue_page = reverse("attendance:confirmation", args=[revoked.code])
    page = client.get(url).content.decode()
    assert "Revoked" in page and "Issue a new confirmation" in page and reissue_page in page

    new = services.reissue_confirmation(confirmation=revoked, actor=coordinator)

    response = client.get(url)
    (row,) = response.context["report"].rows
    assert row.confirmation == new
    assert "Issue a new confirmation" not in response.content.decode()


def test_no_new_confirmation_unless_every_day_is_attended_now(client, coordinator, revoked, foundation_run):
    mark(foundation_run, 2, revoked.booking, MarkStatus.ABSENT, coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("attendance:confirmation", args=[revoked.code])).content.decode()
    assert "Only 3 of the 4 days count now" in page

    response = client.post(reverse("attendance:reissue_confirmation", args=[revoked.code]))

    assert response.status_code == 200
    assert "has attended 3 of the 4 days the level requires" in response.content.decode()
    assert AttendanceConfirmation.objects.filter(booking=revoked.booking).count() == 1
    assert not AuditEntry.objects.filter(action="attendance.confirmation.reissued").exists()


def test_a_valid_confirmation_is_not_reissued(coordinator, revoked):
    new = services.reissue_confirmation(confirmation=revoked, actor=coordinator)
    with pytest.raises(ValidationError, match="still valid"):
        services.reissue_confirmation(confirmation=new, actor=coordinator)
    with pytest.raises(ValidationError, match="already issued in its place"):
        services.reissue_confirmation(confirmation=revoked, actor=coordinator)
    assert AttendanceConfirmation.objects.filter(booking=revoked.booking).count() == 2


def test_only_the_coordinator_reissues(revoked, trainer, participant):
    for who in (trainer, participant):
        with pytest.raises(PermissionDenied):
            services.reissue_confirmation(confirmation=revoked, actor=who)
    assert AttendanceConfirmation.objects.filter(booking=revoked.booking).count() == 1


def test_marks_after_a_revocation_never_issue_a_new_one_by_themselves(revoked, foundation_run, trainer):
    mark(foundation_run, 1, revoked.booking, MarkStatus.LATE, trainer)
    mark(foundation_run, 1, revoked.booking, MarkStatus.PRESENT, trainer)
    assert AttendanceConfirmation.objects.filter(booking=revoked.booking).count() == 1


def test_a_booking_never_holds_two_valid_confirmations(coordinator, revoked):
    new = services.reissue_confirmation(confirmation=revoked, actor=coordinator)
    copy = AttendanceConfirmation(
        booking=new.booking, participant=new.participant, level=new.level, holder_name="x",
        programme_name="x", level_name="x", provider_name="x", days=[], hours_attended=0,
        first_date=new.first_date, last_date=new.last_date, issued_at=new.issued_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
