"""Invoices and credit notes through the API: the customer, the participant it is about, the
organisation it is made out to and the coordinator see it, as JSON and as its PDF; nobody else."""

from __future__ import annotations

import pytest

from tests.api.conftest import KINDS, Api, World, assert_problem
from trainingdesk.api import services as tokens

SEES = {
    "participant": {"pats"},  # made out to the employer, but about Pat
    "other_participant": {"oscars"},
    "employer": {"pats"},
    "other_employer": {"quinns"},
    "coordinator": {"pats", "oscars", "quinns"},
}


def _number(world: World, whose: str) -> str:
    return getattr(world, f"{whose}_booking").invoices.get().number


@pytest.mark.parametrize("kind", KINDS)
def test_each_token_lists_only_the_invoices_it_may_see(api: Api, world: World, kind):
    response = api.get("invoices", world.tokens[kind])
    if kind == "anonymous":
        assert_problem(response, 401)
        return
    assert {i["number"] for i in response.json()["items"]} == {
        _number(world, whose) for whose in SEES[kind]}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("whose", ["pats", "oscars", "quinns"])
@pytest.mark.parametrize("as_pdf", [False, True])
def test_each_token_reads_an_invoice_it_may_see_as_json_and_pdf(api: Api, world: World, kind,
                                                                 whose, as_pdf):
    number = _number(world, whose)
    response = api.get(f"invoices/{number}{'.pdf' if as_pdf else ''}", world.tokens[kind])
    if kind == "anonymous":
        assert_problem(response, 401)
    elif whose not in SEES[kind]:
        assert_problem(response, 404)
    elif as_pdf:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    else:
        body = response.json()
        assert body["number"] == number and body["kind"] == "invoice"
        assert body["total"] == {"net": {"amount": "660.00", "currency": "GBP"},
                                 "vat": {"amount": "132.00", "currency": "GBP"},
                                 "gross": {"amount": "792.00", "currency": "GBP"}, "vat_rate": "20.00"}
        assert body["balance"] == {"amount": "792.00", "currency": "GBP"}
        assert len(body["lines"]) == 1
        assert body["pdf"].endswith(f"/api/v1/invoices/{number}.pdf")


def test_a_credit_note_names_the_invoice_it_credits(api, world):
    number = _number(world, "oscars")
    api.post(f"bookings/{world.oscars_booking.reference}/cancel", world.tokens["other_participant"])
    items = api.get("invoices?kind=credit_note", world.tokens["other_participant"]).json()["items"]
    [note] = items
    assert note["credits"] == number
    invoice = api.get(f"invoices/{note['credits']}", world.tokens["other_participant"]).json()
    assert invoice["credited_by"] == [note["number"]]
    assert invoice["balance"]["amount"] in {"0.00", "-792.00", "792.00"}


def test_a_token_without_read_invoices_is_refused(api, world, participant):
    token = tokens.create_token(actor=participant, name="Bookings", scopes=["read:bookings"]).secret
    body = assert_problem(api.get("invoices", token), 403)
    assert body["detail"] == "This token may not read:invoices."
    assert_problem(api.get(f"invoices/{_number(world, 'pats')}.pdf", token), 403)
