"""The export: one ZIP with a JSON file per kind of record, the person's files and a README
describing each; the same number of queries however much they hold; audited."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.attendance.conftest import booked
from tests.factories import CourseRunFactory, PriceOptionFactory, UserFactory
from tests.privacy.conftest import (
    ADDRESS,
    EMAIL,
    NAME,
    PHONE,
    REGISTRATION,
    SUPERVISOR,
    pay_everything,
)
from trainingdesk.accounts.models import User
from trainingdesk.accounts.services import RegistrationEntry, update_profile
from trainingdesk.audit.models import AuditEntry
from trainingdesk.privacy import services


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def read(files: dict[str, bytes], name: str):
    return json.loads(files[name])


def test_the_export_holds_every_kind_of_record_and_their_files(someone):
    files = unzip(services.export_person(someone.person))
    expected = {"README.txt", "profile.json", "professional_registrations.json", "bookings.json",
                "invoices.json", "attendance.json", "applications.json", "supervision.json",
                "coursework.json", "certificates.json", "emails.json", "audit_entries.json",
                "api_tokens.json"}
    assert expected <= set(files)
    assert read(files, "profile.json")["full_name"] == NAME
    assert read(files, "profile.json")["email"] == EMAIL
    assert "password" not in read(files, "profile.json")
    assert read(files, "professional_registrations.json")[0]["number"] == REGISTRATION
    bookings = read(files, "bookings.json")
    assert any(b["billing_address"] == ADDRESS for b in bookings)
    invoices = read(files, "invoices.json")
    assert len(invoices) == 3  # the two bookings and the coursework fee
    assert all(i["lines"] and i["payments"] for i in invoices)
    attendance = read(files, "attendance.json")
    assert len(attendance["marks"]) == 10 and len(attendance["confirmations"]) == 2
    (application,) = read(files, "applications.json")
    assert PHONE in application["covering_letter"]
    assert application["evidence"][0]["original_name"] == "letter.png"
    assert [m["from_coordinator"] for m in application["messages"]] == [True, False]
    assert PHONE in application["messages"][1]["text"]
    assert read(files, "supervision.json")["own_supervisor"][0]["name"] == SUPERVISOR
    (portfolio,) = read(files, "coursework.json")
    (submission,) = portfolio["submissions"]
    assert submission["markings"][0]["marker"] == "Asha Assessor"  # as the participant sees it
    assert NAME in submission["markings"][0]["feedback"]
    assert len(read(files, "certificates.json")) == 1
    emails = read(files, "emails.json")
    assert emails and all(EMAIL in e["to"] for e in emails)
    assert read(files, "audit_entries.json")
    (token,) = read(files, "api_tokens.json")
    assert token["scopes"] == ["read:bookings"] and "secret_hash" not in token


def test_the_export_includes_their_files_each_described_in_the_readme(someone):
    files = unzip(services.export_person(someone.person))
    stored = [name for name in files if name.startswith("files/")]
    assert any(n.startswith("files/evidence/") for n in stored)
    assert len([n for n in stored if n.startswith("files/coursework/")]) == 4  # 2 drafts, 2 submitted
    assert len([n for n in stored if n.startswith("files/invoices/")]) == 3
    assert len([n for n in stored if n.startswith("files/confirmations/")]) == 2
    assert len([n for n in stored if n.startswith("files/certificates/")]) == 1
    assert all(files[n].startswith(b"%PDF") for n in stored if n.endswith(".pdf"))
    readme = files["README.txt"].decode()
    assert all(name in readme for name in files if name != "README.txt")


def test_the_export_takes_the_same_number_of_queries_however_much_they_hold(someone, coordinator):
    person = User.objects.get(pk=someone.person.pk)
    with CaptureQueriesContext(connection) as before:
        services.export_person(person)
    # More of everything: a registration, two more bookings (each invoiced and emailed), their
    # payments, and the audit entries all of that wrote.
    update_profile(actor=person, user=person, details={}, registrations=[
        RegistrationEntry(body="HCPC", number=REGISTRATION, id=person.registrations.get().pk),
        RegistrationEntry(body="UKCP", number="123456")])
    for title in ("Autumn 2026", "Winter 2026"):
        run = CourseRunFactory(title=title, days=[dt.date(2026, 12, 1)],
                               booking_closes_at=dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
        booked(run, PriceOptionFactory(run=run, net_amount=Decimal("100")), person)
    pay_everything(person, coordinator)
    person = User.objects.get(pk=person.pk)
    with CaptureQueriesContext(connection) as after:
        services.export_person(person)
    assert len(after.captured_queries) == len(before.captured_queries)
    with CaptureQueriesContext(connection) as nothing:
        services.export_person(UserFactory())
    # Someone who holds nothing of a kind skips the queries for its related rows.
    assert len(nothing.captured_queries) <= len(before.captured_queries)


def test_every_export_is_audited_naming_the_person_by_reference_only(someone, coordinator):
    services.export_for(person=someone.person, actor=someone.person)
    services.export_for(person=someone.person, actor=coordinator)
    entries = AuditEntry.objects.filter(action="privacy.person.exported").order_by("id")
    assert [e.actor_id for e in entries] == [someone.person.pk, coordinator.pk]
    assert all(e.after == {"person": someone.person.pk} for e in entries)

