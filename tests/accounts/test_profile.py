"""The profile page: a person edits their details and professional registrations together."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trainingdesk.accounts.models import ProfessionalBody, ProfessionalRegistration, User
from trainingdesk.accounts.services import RegistrationEntry, update_profile
from trainingdesk.audit.models import AuditEntry

URL = reverse("accounts:profile")


def _data(registrations: list[dict[str, str]] | None = None, **details: str) -> dict[str, Any]:
    """A POST body as the page sends it: the details, then one row per registration."""
    data: dict[str, Any] = {
        "profile-full_name": "Pat Participant",
        "profile-job_role": "Family therapist",
        "profile-sector": "camhs",
        "profile-organisation_name": "Northshire NHS Trust",
        "profile-country": "United Kingdom",
        "profile-time_zone": "Europe/London",
    }
    data.update({f"profile-{name}": value for name, value in details.items()})
    rows = registrations or []
    initial = sum(1 for row in rows if row.get("id"))
    data.update({
        "registrations-TOTAL_FORMS": str(len(rows)),
        "registrations-INITIAL_FORMS": str(initial),
        "registrations-MIN_NUM_FORMS": "0",
        "registrations-MAX_NUM_FORMS": "1000",
    })
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"registrations-{index}-{name}"] = value
    return data


def _registration(user: User, body: str = "HCPC", number: str = "PYL12345", body_name: str = "") -> Any:
    return ProfessionalRegistration.objects.create(user=user, body_id=body, number=number,
                                                   body_name=body_name)


@pytest.mark.django_db
def test_it_asks_an_anonymous_visitor_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={URL}"


def test_it_shows_the_persons_details_and_an_empty_registration_row(
    client: Client, participant: User
) -> None:
    _registration(participant)
    client.force_login(participant)
    response = client.get(URL)
    html = response.content.decode()
    assert "pat@example.org" in html
    assert 'value="Pat Participant"' in html
    assert 'value="PYL12345"' in html
    assert "Add a registration" in html
    assert '<option value="Asia/Tokyo">Asia/Tokyo</option>' in html
    assert '<option value="youth_justice">Youth justice</option>' in html


def test_it_saves_the_details_and_a_new_registration(client: Client, participant: User) -> None:
    client.force_login(participant)
    response = client.post(URL, _data(
        [{"body": "UKCP", "number": "2011 0042", "body_name": ""}],
        full_name="Patricia Participant", time_zone="America/New_York", sector="youth_justice",
    ))
    assert response.status_code == 302
    assert response["Location"] == URL
    participant.refresh_from_db()
    assert participant.full_name == "Patricia Participant"
    assert participant.time_zone == "America/New_York"
    assert participant.sector == "youth_justice"
    assert participant.organisation_name == "Northshire NHS Trust"
    # Saved as the body writes its numbers: without the space.
    assert [(r.body_id, r.number) for r in participant.registrations.all()] == [("UKCP", "20110042")]
    assert "Your profile has been saved." in client.get(URL).content.decode()


def test_it_audits_the_change_with_before_and_after(client: Client, participant: User) -> None:
    client.force_login(participant)
    client.post(URL, _data([{"body": "NMC", "number": "12A3456E"}], full_name="Patricia Participant"))
    entry = AuditEntry.objects.get(action="accounts.profile.updated")
    assert entry.actor_id == participant.pk
    assert entry.object_id == str(participant.pk)
    assert entry.before is not None and entry.after is not None
    assert entry.before["full_name"] == "Pat Participant"
    assert entry.after["full_name"] == "Patricia Participant"
    assert entry.before["registrations"] == []
    assert entry.after["registrations"] == [{"body": "NMC", "body_name": "", "number": "12A3456E"}]


def test_saving_without_changes_writes_no_audit_entry(client: Client, participant: User) -> None:
    client.force_login(participant)
    client.post(URL, _data())
    AuditEntry.objects.all().delete()
    client.post(URL, _data())
    assert not AuditEntry.objects.filter(action="accounts.profile.updated").exists()


def test_it_changes_and_removes_existing_registrations(client: Client, participant: User) -> None:
    keep = _registration(participant, "HCPC", "PYL111")
    change = _registration(participant, "BACP", "0001")
    remove = _registration(participant, "GMC", "7654321")
    client.force_login(participant)
    response = client.post(URL, _data([
        {"id": str(keep.pk), "body": "HCPC", "number": "PYL111"},
        {"id": str(change.pk), "body": "BACP", "number": "0002"},
        {"id": str(remove.pk), "body": "GMC", "number": "7654321", "DELETE": "on"},
    ]))
    assert response.status_code == 302
    assert sorted((r.body_id, r.number) for r in participant.registrations.all()) == [
        ("BACP", "0002"), ("HCPC", "PYL111"),
    ]
    assert ProfessionalRegistration.objects.filter(pk=keep.pk).exists()


def test_another_body_needs_its_name(client: Client, participant: User) -> None:
    client.force_login(participant)
    response = client.post(URL, _data([{"body": "OTHER", "number": "X-1", "body_name": ""}]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter the name of the professional body." in html
    assert '<a href="#id_registrations-0-body_name">' in html
    assert not participant.registrations.exists()


def test_another_body_is_saved_with_its_name(client: Client, participant: User) -> None:
    client.force_login(participant)
    client.post(URL, _data([
        {"body": "OTHER", "number": "X-1", "body_name": "Irish Association of Therapists"},
    ]))
    registration = participant.registrations.get()
    assert str(registration) == "Irish Association of Therapists X-1"


def test_a_listed_body_keeps_no_stray_name(client: Client, participant: User) -> None:
    client.force_login(participant)
    client.post(URL, _data([{"body": "HCPC", "number": "PYL12345", "body_name": "Left over"}]))
    assert participant.registrations.get().body_name == ""


def test_a_valid_name_with_an_invalid_registration_row_changes_nothing(
    client: Client, participant: User
) -> None:
    existing = _registration(participant, "HCPC", "PYL111")
    client.force_login(participant)
    response = client.post(URL, _data(
        [{"id": str(existing.pk), "body": "HCPC", "number": "PYL22222"}, {"body": "UKCP", "number": ""}],
        full_name="Someone Else",
    ))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_registrations-1-number">' in html
    participant.refresh_from_db()
    assert participant.full_name == "Pat Participant"
    assert [(r.body_id, r.number) for r in participant.registrations.all()] == [("HCPC", "PYL111")]
    assert not AuditEntry.objects.filter(action="accounts.profile.updated").exists()


def test_the_same_registration_twice_is_refused(client: Client, participant: User) -> None:
    client.force_login(participant)
    response = client.post(URL, _data([
        {"body": "HCPC", "number": "PYL12345"}, {"body": "HCPC", "number": "PYL12345"},
    ]))
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not participant.registrations.exists()


def test_it_refuses_a_time_zone_that_does_not_exist(client: Client, participant: User) -> None:
    client.force_login(participant)
    response = client.post(URL, _data(time_zone="Mars/Olympus_Mons", full_name="Changed Name"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#id_profile-time_zone">' in html
    assert 'id="id_profile-time_zone-error"' in html
    participant.refresh_from_db()
    assert participant.time_zone == "Europe/London"
    assert participant.full_name == "Pat Participant"


def test_it_refuses_a_sector_not_in_the_brochure(client: Client, participant: User) -> None:
    client.force_login(participant)
    response = client.post(URL, _data(sector="astrology"))
    assert response.status_code == 200
    assert '<a href="#id_profile-sector">' in response.content.decode()


def test_it_needs_a_name(client: Client, participant: User) -> None:
    client.force_login(participant)
    response = client.post(URL, _data(full_name="   "))
    assert response.status_code == 200
    assert '<a href="#id_profile-full_name">' in response.content.decode()
    participant.refresh_from_db()
    assert participant.full_name == "Pat Participant"


def test_a_person_cannot_change_someone_elses_registration(
    client: Client, participant: User, outsider: User
) -> None:
    theirs = _registration(outsider, "HCPC", "OSC1")
    client.force_login(participant)
    response = client.post(URL, _data([{"id": str(theirs.pk), "body": "HCPC", "number": "HACKED"}]))
    assert response.status_code == 200
    assert "This registration could not be found." in response.content.decode()
    assert not participant.registrations.exists()
    theirs.refresh_from_db()
    assert theirs.number == "OSC1"
    assert theirs.user_id == outsider.pk


def test_a_mangled_form_never_crashes(client: Client, participant: User) -> None:
    client.force_login(participant)
    assert client.post(URL, {"profile-full_name": "Pat"}).status_code == 200
    data = _data([{"body": "HCPC", "number": "1"}])
    data["registrations-TOTAL_FORMS"] = "many"
    assert client.post(URL, data).status_code == 200
    participant.refresh_from_db()
    assert not participant.registrations.exists()


def test_it_refuses_more_than_ten_registrations(client: Client, participant: User) -> None:
    client.force_login(participant)
    rows = [{"body": "HCPC", "number": f"PYL{10000 + i}"} for i in range(11)]
    response = client.post(URL, _data(rows))
    assert response.status_code == 200
    assert not participant.registrations.exists()


def test_update_profile_saves_nothing_when_a_registration_breaks_a_constraint(participant: User) -> None:
    with pytest.raises(IntegrityError):
        update_profile(
            actor=participant,
            user=participant,
            details={"full_name": "Half Saved"},
            registrations=[RegistrationEntry(body="HCPC", number="PYL12345")] * 2,
        )
    participant.refresh_from_db()
    assert participant.full_name == "Pat Participant"
    assert not participant.registrations.exists()
    assert not AuditEntry.objects.exists()


def test_update_profile_refuses_fields_that_are_not_on_the_profile(participant: User) -> None:
    with pytest.raises(ValueError, match="is_staff"):
        update_profile(actor=participant, user=participant, details={"is_staff": "True"}, registrations=[])
    participant.refresh_from_db()
    assert not participant.is_staff


def test_update_profile_swaps_two_numbers_without_tripping_the_unique_constraint(participant: User) -> None:
    first = _registration(participant, "HCPC", "PYL11111")
    second = _registration(participant, "HCPC", "PYL22222")
    update_profile(actor=participant, user=participant, details={}, registrations=[
        RegistrationEntry(id=first.pk, body="HCPC", number="PYL22222"),
        RegistrationEntry(id=second.pk, body="HCPC", number="PYL11111"),
    ])
    assert sorted(participant.registrations.values_list("number", flat=True)) == [
        "PYL11111", "PYL22222"]


def test_the_empty_row_left_blank_adds_nothing(client: Client, participant: User) -> None:
    client.force_login(participant)
    blank_row = {"body": "", "number": "", "body_name": ""}
    response = client.post(URL, _data([blank_row], job_role="Social worker"))
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.job_role == "Social worker"
    assert not participant.registrations.exists()


@pytest.mark.parametrize("field", ["full_name", "organisation_name"])
def test_a_name_with_hidden_direction_controls_is_refused_and_nothing_saved(client, participant, field):
    client.force_login(participant)
    response = client.post(URL, _data(**{field: "Northshire \u2067NHS\u2069 Trust"}))
    assert response.status_code == 200
    assert "hidden direction-control characters" in response.content.decode()
    participant.refresh_from_db()
    assert (participant.full_name, participant.organisation_name) == ("Pat Participant", "")


def test_a_number_not_in_the_bodys_format_is_refused_beside_it_and_nothing_is_saved(
    client: Client, participant: User
) -> None:
    client.force_login(participant)
    response = client.post(URL, _data([{"body": "HCPC", "number": "12345"}],
                                      full_name="Patricia Participant"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#id_registrations-0-number">An HCPC number looks like PYL12345.</a>' in html
    assert 'id="id_registrations-0-number-error"' in html
    participant.refresh_from_db()
    assert participant.full_name == "Pat Participant"
    assert not participant.registrations.exists()
    assert not AuditEntry.objects.filter(action="accounts.profile.updated").exists()


def test_a_number_is_saved_as_its_body_writes_it(client: Client, participant: User) -> None:
    client.force_login(participant)
    client.post(URL, _data([{"body": "NMC", "number": " 12a 3456e "}]))
    assert participant.registrations.get().number == "12A3456E"


def test_the_page_says_what_each_bodys_numbers_look_like(client: Client, participant: User) -> None:
    client.force_login(participant)
    html = client.get(URL).content.decode()
    assert "<dt>NMC (Nursing and Midwifery Council)</dt><dd>12A3456E: Your NMC PIN" in html


def test_a_number_saved_before_its_body_had_a_format_is_kept_when_the_profile_is_saved(
    client: Client, participant: User
) -> None:
    old = _registration(participant, "SWE", "legacy 42")
    client.force_login(participant)
    response = client.post(URL, _data([{"id": str(old.pk), "body": "SWE", "number": "legacy 42"}],
                                      job_role="Social worker"))
    assert response.status_code == 302
    assert [(r.pk, r.number) for r in participant.registrations.all()] == [(old.pk, "legacy 42")]


def test_a_retired_body_is_not_offered_but_a_registration_with_it_is_kept(
    client: Client, participant: User
) -> None:
    kept = _registration(participant, "GMC", "1234567")
    ProfessionalBody.objects.filter(code__in=["GMC", "BACP"]).update(active=False)
    client.force_login(participant)
    html = client.get(URL).content.decode()
    assert html.count('<option value="GMC" selected>') == 1  # on the person's own row only
    assert html.count('<option value="GMC"') == 1
    assert '<option value="BACP"' not in html
    response = client.post(URL, _data([
        {"id": str(kept.pk), "body": "GMC", "number": "1234567"}, {"body": "BACP", "number": "123456"},
    ]))
    assert response.status_code == 200
    assert '<a href="#id_registrations-1-body">' in response.content.decode()
    assert [r.pk for r in participant.registrations.all()] == [kept.pk]


def test_update_profile_refuses_a_number_not_in_the_bodys_format(participant: User) -> None:
    with pytest.raises(ValidationError) as refused:
        update_profile(actor=participant, user=participant, details={"full_name": "Half Saved"},
                       registrations=[RegistrationEntry(body="GMC", number="12")])
    assert refused.value.message_dict == {"number": ["A GMC number looks like 1234567."]}
    participant.refresh_from_db()
    assert participant.full_name == "Pat Participant"
    assert not participant.registrations.exists()


def test_update_profile_refuses_a_body_that_is_not_in_the_table(participant: User) -> None:
    with pytest.raises(ValidationError):
        update_profile(actor=participant, user=participant, details={},
                       registrations=[RegistrationEntry(body="NOPE", number="1")])
    assert not participant.registrations.exists()


def test_the_profile_makes_the_same_queries_for_one_registration_or_ten(
    client: Client, participant: User
) -> None:
    client.force_login(participant)
    _registration(participant, "HCPC", "PYL10000")
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for i in range(1, 10):
        _registration(participant, "HCPC", f"PYL{10000 + i}")
    with CaptureQueriesContext(connection) as ten:
        assert client.get(URL).content.decode().count('<option value="HCPC" selected>') == 10
    assert len(ten) == len(one)
