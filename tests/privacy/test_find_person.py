"""The coordinator answering a request made by email: finds the person by part of their name or
email, downloads their data, or records their request to be erased and then decides it."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import UserFactory
from tests.html import text_of
from trainingdesk.privacy import services
from trainingdesk.privacy.models import ErasureRequest, ErasureSource, ErasureStatus

PEOPLE = reverse("privacy:people")


def test_a_person_is_found_by_part_of_their_name_or_email_in_any_script(client, coordinator):
    UserFactory(full_name="Σοφία Παπαδοπούλου", email="sofia@example.gr")
    UserFactory(full_name="Sam Staff", email="sam.staff@northshire.example")
    client.force_login(coordinator)
    assert "Σοφία Παπαδοπούλου" in text_of(client.get(PEOPLE, {"q": "Παπαδ"}).content.decode())
    page = text_of(client.get(PEOPLE, {"q": "NORTHSHIRE"}).content.decode())
    assert "Sam Staff" in page and "Σοφία" not in page
    assert "Nobody's name or email contains that." in text_of(
        client.get(PEOPLE, {"q": "zz-nobody"}).content.decode())


def test_a_search_too_short_is_refused_with_a_message(client, coordinator):
    client.force_login(coordinator)
    response = client.get(PEOPLE, {"q": "a"})
    assert response.status_code == 400
    assert "Enter at least 2 characters of the name or email address." in text_of(response.content.decode())


def test_the_erased_are_never_found(client, coordinator, participant):
    client.force_login(coordinator)
    services.erase_person(person=participant, actor=coordinator, now=participant.date_joined)
    page = text_of(client.get(PEOPLE, {"q": "erased"}).content.decode())
    assert f"Erased person {participant.pk}" not in page


def test_a_request_by_email_is_recorded_then_confirmed_as_the_participant_s_would_be(
        client, coordinator, participant):
    client.force_login(coordinator)
    page = text_of(client.get(reverse("privacy:person_export", args=[participant.pk])).content.decode())
    assert "Record their request to be erased" in page
    client.post(reverse("privacy:record_erasure", args=[participant.pk]))
    client.post(reverse("privacy:record_erasure", args=[participant.pk]))  # twice: still one
    erasure = ErasureRequest.objects.get()
    assert erasure.source == ErasureSource.COORDINATOR
    request_page = text_of(client.get(reverse("privacy:erasure_request", args=[erasure.pk])).content.decode())
    assert "Asked by email, recorded by the coordinator" in request_page
    client.post(reverse("privacy:confirm_erasure", args=[erasure.pk]), {"confirm": "on"})
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.ERASED


def test_a_staff_account_cannot_be_recorded_for_erasure(client, coordinator, trainer):
    client.force_login(coordinator)
    page = text_of(client.get(reverse("privacy:person_export", args=[trainer.pk])).content.decode())
    assert "Record their request" not in page
    response = client.post(reverse("privacy:record_erasure", args=[trainer.pk]))
    assert response.status_code == 400
    assert "Staff accounts are closed by the coordinator, not erased here." in text_of(
        response.content.decode())
    assert not ErasureRequest.objects.exists()
