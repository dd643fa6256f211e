"""erase_person's refusals (what must finish first) and its reach: it takes the person's data
out of everyone's records, and nobody else's."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.privacy.conftest import APPLYING, SUBMITTING, complete, completed_foundation
from trainingdesk.accounts.services import RegistrationEntry, update_profile
from trainingdesk.admissions import services as admissions
from trainingdesk.audit.models import AuditEntry
from trainingdesk.coursework import services as coursework
from trainingdesk.privacy import services
from trainingdesk.privacy.models import ErasureRequest


def erase(person, coordinator):
    return services.erase_person(person=person, actor=coordinator, now=timezone.now())


def test_only_the_coordinator_erases(participant, outsider):
    with pytest.raises(PermissionDenied):
        services.erase_person(person=participant, actor=participant, now=timezone.now())
    participant.refresh_from_db()
    assert participant.is_active and not ErasureRequest.objects.exists()


def test_a_member_of_staff_is_not_erased(trainer, coordinator):
    with pytest.raises(ValidationError, match="work here"):
        erase(trainer, coordinator)
    with pytest.raises(ValidationError):
        services.request_erasure(person=trainer)


def test_an_application_being_decided_stops_the_erasure(participant, coordinator, trainer,
                                                        foundation, advanced):
    completed_foundation(foundation, participant, trainer)
    advanced.approves_automatically = False
    advanced.save(update_fields=["approves_automatically"])
    with time_machine.travel(APPLYING, tick=False):  # within the Foundation's window
        application = admissions.start_application(participant=participant, level=advanced)
        admissions.save_draft(application=application, actor=participant, answers=admissions.Answers(
            registration_body="HCPC", registration_number="PYL12345"))
        admissions.submit(application=application, actor=participant)
    application.refresh_from_db()
    assert application.status == "submitted"
    with pytest.raises(ValidationError, match=f"Application {application.reference}"):
        erase(participant, coordinator)
    participant.refresh_from_db()
    assert participant.full_name == "Pat Participant"


def test_coursework_being_marked_stops_the_erasure(portfolio, coordinator):
    complete(portfolio)
    coursework.submit(portfolio=portfolio, actor=portfolio.participant, now=SUBMITTING)
    with pytest.raises(ValidationError) as refused:
        erase(portfolio.participant, coordinator)
    messages = " ".join(refused.value.messages)
    assert "coursework is being marked" in messages
    assert "outstanding" in messages  # and the fee is not paid yet


def test_other_people_s_records_keep_their_own_values(participant, outsider, coordinator):
    details = {"full_name": "Pat Participant", "job_role": "Family therapist"}
    update_profile(actor=participant, user=participant, details=details,
                   registrations=[RegistrationEntry(body="UKCP", number="4321")])
    update_profile(actor=outsider, user=outsider,
                   details={"full_name": "Oscar Outsider", "job_role": "Family therapist"},
                   registrations=[RegistrationEntry(body="UKCP", number="4321")])
    erase(participant, coordinator)
    theirs = AuditEntry.objects.get(action="accounts.profile.updated", object_id=str(participant.pk))
    others = AuditEntry.objects.get(action="accounts.profile.updated", object_id=str(outsider.pk))
    assert "Family therapist" not in str(theirs.after) and "4321" not in str(theirs.after)
    assert others.after["job_role"] == "Family therapist" and "4321" in str(others.after)
    assert others.object_repr == "Oscar Outsider"
    outsider.refresh_from_db()
    assert outsider.job_role == "Family therapist" and outsider.registrations.get().number == "4321"


def test_erasing_someone_who_asked_answers_their_request(participant, coordinator):
    waiting = services.request_erasure(person=participant)
    done = erase(participant, coordinator)
    waiting.refresh_from_db()
    assert done == waiting and waiting.status == "erased" and waiting.decided_by == coordinator
    assert ErasureRequest.objects.count() == 1
