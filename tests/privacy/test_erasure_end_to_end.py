"""Erasure, end to end (issue 12's check): a person with something in every table, erased; then
no table, file or page holds their name, email, address, postcode, phone or registration number,
except the invoices and credit notes that HMRC requires kept as issued (and the certificate's
credential as signed, no longer published); the invoices still add up and their balances are
unchanged; the certificate still verifies and its page says it was issued to a person whose
record was erased; they cannot sign in."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from tests.html import text_of
from tests.privacy.conftest import ADDRESS, EMAIL, NAME, PHONE, POSTCODE, REGISTRATION, SUPERVISOR
from trainingdesk.accounts.models import User
from trainingdesk.api.models import ApiToken
from trainingdesk.audit.models import AuditEntry
from trainingdesk.certificates import openbadges
from trainingdesk.certificates.models import Certificate
from trainingdesk.invoicing.models import Invoice, InvoiceLine
from trainingdesk.lib import credentials
from trainingdesk.lib.files import private_storage
from trainingdesk.privacy import services
from trainingdesk.privacy.models import ErasureStatus

PERSONAL = [NAME, EMAIL, *ADDRESS.splitlines(), POSTCODE, PHONE, REGISTRATION, SUPERVISOR]

# Where the law keeps them: a VAT invoice or credit note as issued (customer, participant and
# the lines' descriptions, which name the participant), kept for INVOICE_KEEP_YEARS.
KEPT_BY_LAW = {
    (Invoice, "customer_name"), (Invoice, "customer_address"), (Invoice, "customer_email"),
    (Invoice, "participant_name"), (InvoiceLine, "description"),
    # The Open Badges credential as signed (it cannot be changed without breaking the
    # signature); no longer published once the holder is erased.
    (Certificate, "credential"),
}


def _texts(value: object) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def personal_data_in_tables() -> dict[tuple[type[models.Model], str], list[str]]:
    """Every text, char and JSON field of every model, searched for any of the person's data."""
    found: dict[tuple[type[models.Model], str], list[str]] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField | models.JSONField
                              | models.FileField):
                continue
            for value in model._default_manager.values_list(field.attname, flat=True):
                text = _texts(value).lower()
                hits = [datum for datum in PERSONAL if datum.lower() in text]
                if hits:
                    found.setdefault((model, field.name), []).extend(hits)
    return found


def personal_data_in_files() -> list[str]:
    """Every stored private file, and every member of those that are ZIPs (DOCX)."""
    root = Path(settings.PRIVATE_ROOT)
    found = []
    for path in root.rglob("*") if root.exists() else []:
        if not path.is_file():
            continue
        contents = [path.read_bytes()]
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                contents += [archive.read(name) for name in archive.namelist()]
        for content in contents:
            for datum in PERSONAL:
                if datum.encode() in content:
                    found.append(f"{path}: {datum}")
    return found


def balances(person_invoices: list[int]) -> dict[str, tuple]:
    return {i.number: (i.total_net, i.total_vat, i.total_gross, i.balance)  # type: ignore[attr-defined]
            for i in Invoice.objects.with_balance().filter(pk__in=person_invoices)}


@pytest.fixture
def erased(someone, coordinator, client, django_capture_on_commit_callbacks):
    person = someone.person
    client.force_login(person)  # a session to be ended
    invoices = list(Invoice.objects.filter(customer_person=person).values_list("pk", flat=True))
    before = balances(invoices)
    assert before and all(b[3] == 0 for b in before.values())
    request = services.request_erasure(person=person)
    with django_capture_on_commit_callbacks(execute=True):  # the files go once it commits
        services.erase_person(person=person, actor=coordinator, now=timezone.now(), erasure=request)
    return someone, invoices, before


def test_before_erasure_the_search_finds_the_person_everywhere(someone):
    """The negative control: the search below would find them if they were still there."""
    found = personal_data_in_tables()
    models_found = {model.__name__ for model, _field in found}
    assert {"User", "Booking", "Application", "ProfessionalRegistration", "AuditEntry",
            "Email", "AttendanceConfirmation", "Certificate", "OwnSupervisor", "Invoice",
            "ApiToken"} <= models_found
    assert all(private_storage().exists(name) for name in someone.stored_files)


def test_after_erasure_no_table_holds_their_data_except_the_invoices_the_law_keeps(erased):
    found = personal_data_in_tables()
    unexpected = {f"{model.__name__}.{name}": hits for (model, name), hits in found.items()
                  if (model, name) not in KEPT_BY_LAW}
    assert unexpected == {}
    # What the law keeps is really kept: the invoice as issued names its customer.
    kept = {(model, name) for model, name in found}
    assert {(Invoice, "customer_name"), (Invoice, "customer_address"),
            (InvoiceLine, "description")} <= kept


def test_after_erasure_their_files_are_deleted_and_no_stored_file_holds_their_data(erased):
    someone, _invoices, _before = erased
    assert someone.stored_files
    assert not [name for name in someone.stored_files if private_storage().exists(name)]
    assert personal_data_in_files() == []


def test_after_erasure_the_invoices_still_add_up_and_their_balances_are_unchanged(erased):
    someone, invoices, before = erased
    assert balances(invoices) == before
    for invoice in Invoice.objects.filter(pk__in=invoices).prefetch_related("lines"):
        assert invoice.total_net + invoice.total_vat == invoice.total_gross
        assert sum(line.gross for line in invoice.lines.all()) == invoice.total_gross
        assert invoice.participant_id is None  # the link to the person is cut
        assert invoice.customer_name == NAME  # as issued


def test_after_erasure_the_certificate_still_verifies_and_names_nobody(erased, client):
    someone, _invoices, _before = erased
    certificate = Certificate.objects.get(pk=someone.certificate.pk)
    assert credentials.verify(certificate.credential, public_key=openbadges.public_key())
    client.logout()
    page = client.get(reverse("certificates:verify", args=[certificate.code]))
    text = text_of(page.content.decode())
    assert page.status_code == 200
    assert "A person whose record was erased" in text and "Valid." in text
    assert NAME not in page.content.decode()
    assert client.get(reverse("certificates:verify_credential",
                              args=[certificate.code])).status_code == 404


def test_after_erasure_they_cannot_sign_in_and_their_session_is_over(erased, client):
    someone, _invoices, _before = erased
    person = User.objects.get(pk=someone.person.pk)
    assert not person.is_active and not person.has_usable_password()
    assert person.full_name == f"Erased person {person.pk}"
    assert person.email.endswith("@erased.invalid")
    assert client.get(reverse("privacy:my_data")).status_code == 302  # the old session is gone
    response = client.post(reverse("accounts:login"), {"username": EMAIL, "password": "secret"})
    assert response.status_code != 302 or "_auth_user_id" not in client.session


def test_after_erasure_the_emails_to_them_lose_their_text_and_context(erased):
    from trainingdesk.notifications.models import Email

    someone = erased[0]
    to_them = Email.objects.filter(to=[f"erased-{someone.person.pk}@erased.invalid"])
    assert to_them.filter(rendered=True, status="sent").count() >= 5  # written out and sent
    assert [(e.body, e.context) for e in to_them if e.body or e.context] == []
    assert all(e.status == "failed" for e in to_them if not e.rendered)  # not sent now
    assert not Email.objects.filter(body__icontains="Zoë").exists()  # a first name too


def test_after_erasure_their_api_tokens_are_revoked(erased):
    someone = erased[0]
    tokens = ApiToken.objects.filter(user=someone.person)
    assert tokens.exists() and not tokens.filter(revoked_at__isnull=True).exists()


def test_the_erasure_is_audited_without_naming_them(erased):
    entry = AuditEntry.objects.get(action="privacy.person.erased")
    assert not any(datum.lower() in json.dumps([entry.object_repr, entry.after, entry.reason],
                                               ensure_ascii=False).lower() for datum in PERSONAL)
    someone = erased[0]
    assert someone.person.erasure_requests.get().status == ErasureStatus.ERASED


def test_a_second_erasure_is_refused(erased, coordinator):
    someone = erased[0]
    with pytest.raises(Exception, match="already been erased"):
        services.erase_person(person=someone.person, actor=coordinator, now=timezone.now())


def test_the_export_after_erasure_holds_none_of_their_data(erased):
    someone = erased[0]
    person = User.objects.get(pk=someone.person.pk)
    content = services.export_person(person)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        texts = {name: archive.read(name) for name in archive.namelist() if name.endswith(".json")}
    offenders = {name: [d for d in PERSONAL if d.encode() in data] for name, data in texts.items()
                 if name not in {"invoices.json", "certificates.json"}}
    assert all(not hits for hits in offenders.values()), offenders
