"""Prices, fees and VAT rates in the back office: no negative or absurd amounts, rates 0-100%."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tests.catalogue.admin_forms import change_url, new_option, option_row, run_post
from trainingdesk.accounts.models import User
from trainingdesk.audit.models import AuditEntry
from trainingdesk.catalogue.demo import Demo
from trainingdesk.catalogue.models import Fee, PriceOption, VatRate

VAT_ADD = "/back-office/catalogue/vatrate/add/"
FEE_ADD = "/back-office/catalogue/fee/add/"


@pytest.fixture
def client_as_coordinator(client: Client, coordinator: User) -> Client:
    client.force_login(coordinator)
    return client


def option_errors(response: Any, index: int) -> dict[str, list[str]]:
    return dict(response.context_data["inline_admin_formsets"][1].formset.forms[index].errors)


@pytest.mark.parametrize(
    ("amount", "message"),
    [("-1.00", "A price cannot be negative."),
     ("250000", "A price cannot be more than £100,000: check for a typing mistake.")],
)
def test_a_price_option_with_a_negative_or_absurd_price_is_not_saved(
    client_as_coordinator: Client, brochure: Demo, amount: str, message: str
) -> None:
    run = brochure.summer_2022
    options = [option_row(o) for o in run.options.all()]
    options[0]["net_amount"] = amount
    response = client_as_coordinator.post(
        change_url(run), run_post(run, options=options, title="Summer 2022 again")
    )
    assert response.status_code == 200
    assert option_errors(response, 0) == {"net_amount": [message]}
    assert message in response.content.decode()
    assert run.options.get(position=1).net_amount == Decimal("660.00")
    assert run.options.count() == 2
    run.refresh_from_db()
    assert run.title == "Summer 2022"


def test_a_price_option_of_a_hundred_thousand_pounds_is_the_most_allowed(
    client_as_coordinator: Client, brochure: Demo, coordinator: User
) -> None:
    run = brochure.summer_2022
    options = [*(option_row(o) for o in run.options.all()), new_option("Whole team", "100000")]
    response = client_as_coordinator.post(change_url(run), run_post(run, options=options))
    assert response.status_code == 302
    option = PriceOption.objects.get(run=run, name="Whole team")
    assert option.net_amount == Decimal("100000.00")
    entry = AuditEntry.objects.get(action="catalogue.priceoption.added")
    assert (entry.actor, entry.before, entry.after["net_amount"]) == (coordinator, None, "100000.00")


def test_changing_a_price_records_the_old_and_new_amount(
    client_as_coordinator: Client, brochure: Demo, coordinator: User
) -> None:
    run = brochure.summer_2022
    options = [option_row(o) for o in run.options.all()]
    options[1]["net_amount"] = "520.00"
    response = client_as_coordinator.post(change_url(run), run_post(run, options=options))
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="catalogue.priceoption.changed")
    assert (entry.before["net_amount"], entry.after["net_amount"]) == ("500.00", "520.00")
    assert entry.changed_fields() == ["net_amount"]


@pytest.mark.parametrize("percent", ["-5", "100.01", "120"])
def test_a_vat_rate_outside_0_to_100_percent_is_refused_beside_the_rate(
    client_as_coordinator: Client, percent: str
) -> None:
    response = client_as_coordinator.post(
        VAT_ADD, {"category": "standard", "percent": percent, "valid_from": "2030-01-01"}
    )
    assert response.status_code == 200
    assert response.context_data["adminform"].form.errors == {
        "percent": ["A VAT rate must be between 0% and 100%, such as 20 for the standard rate."]
    }
    assert not VatRate.objects.filter(valid_from=dt.date(2030, 1, 1)).exists()


@pytest.mark.parametrize("percent", ["0", "17.5", "100"])
def test_a_vat_rate_from_0_to_100_percent_is_saved_and_audited(
    client_as_coordinator: Client, coordinator: User, percent: str
) -> None:
    response = client_as_coordinator.post(
        VAT_ADD, {"category": "standard", "percent": percent, "valid_from": "2030-01-01"}
    )
    assert response.status_code == 302
    rate = VatRate.objects.get(valid_from=dt.date(2030, 1, 1))
    assert rate.percent == Decimal(percent)
    entry = AuditEntry.objects.get(action="catalogue.vatrate.added")
    assert (entry.actor, entry.object_id, entry.after["percent"]) == (
        coordinator, str(rate.pk), str(rate.percent))


@pytest.mark.parametrize(
    ("amount", "ok"), [("300.00", True), ("0", True), ("-300", False), ("100000.01", False)]
)
def test_a_fee_must_be_between_nothing_and_a_hundred_thousand_pounds(
    client_as_coordinator: Client, brochure: Demo, amount: str, ok: bool
) -> None:
    response = client_as_coordinator.post(FEE_ADD, {
        "programme": brochure.programme.pk, "name": "Resubmission fee", "gross_amount": amount,
        "vat_category": "standard", "charged_when": "",
    })
    assert Fee.objects.filter(name="Resubmission fee").exists() is ok
    if not ok:
        assert list(response.context_data["adminform"].form.errors) == ["gross_amount"]
