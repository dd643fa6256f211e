"""README.md's "The API": the curl calls it shows, run through the site with the token that
`load_demo` printed, book a place for one of the demo employer's staff and fetch its invoice."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.test import Client

from trainingdesk.bookings.models import Booking

README = Path(__file__).resolve().parents[2] / "README.md"


def _curl_calls() -> list[list[str]]:
    section = README.read_text().split("## The API\n", 1)[1].split("\n## ", 1)[0]
    script = section.split("```sh\n", 1)[1].split("```", 1)[0].replace("\\\n", " ")
    return [shlex.split(line) for line in script.splitlines() if line.startswith("curl ")]


def _run(client: Client, words: list[str], values: dict[str, str]) -> Any:
    method, headers, data, url = "GET", {}, None, ""
    words = iter(words[1:])
    for word in words:
        if word == "-X":
            method = next(words)
        elif word == "-H":
            name, _, value = next(words).partition(": ")
            headers[f"HTTP_{name.upper().replace('-', '_')}"] = value
        elif word == "-d":
            data = next(words)
        elif word == "-o":
            next(words)
        elif not word.startswith("-"):
            url = word
    for name, value in values.items():
        url = url.replace(name, value)
        data = data.replace(name, value) if data else data
        headers = {k: v.replace(name, value) for k, v in headers.items()}
    content_type = headers.pop("HTTP_CONTENT_TYPE", None)
    if method == "POST":
        return client.post(url, data=data or "", content_type=content_type or "application/json",
                           **headers)
    return client.get(url, **headers)


def test_the_readme_s_calls_book_a_place_and_fetch_its_invoice_with_the_demo_token(db, capsys):
    call_command("load_demo")
    printed = capsys.readouterr().out
    token = re.search(r"^\s+(td_[0-9a-f]{8}_\S+)$", printed, re.MULTILINE)
    assert token, printed
    values = {"$SITE": "", "$TOKEN": token.group(1), "$(date +%F)": dt.date.today().isoformat()}
    client = Client()
    runs, book, invoice_json, invoice_pdf, bookings = _curl_calls()

    listed = _run(client, runs, values)
    assert listed.status_code == 200, listed.content
    run = next(r for r in listed.json()["items"]
               if r["booking_state"] == "open" and r["places_left"] and r["options"])
    values |= {"RUN": str(run["id"]), "OPTION": str(run["options"][0]["id"])}

    booked = _run(client, book, values)
    assert booked.status_code == 201, booked.content
    booking = booked.json()
    assert booking["status"] == "confirmed"
    assert booking["billing_name"] == "Northshire NHS Foundation Trust"
    assert booking["participant_email"] == "jo@example.org"
    [number] = booking["invoices"]
    values["INVOICE"] = number
    assert _run(client, book, values).json() == booking  # the Idempotency-Key: booked once
    assert Booking.objects.filter(participant__email="jo@example.org").count() == 1

    invoice = _run(client, invoice_json, values)
    assert invoice.status_code == 200
    assert invoice.json()["purchase_order"] == "PO-2027-0042"
    assert invoice.json()["total"]["gross"] == booking["price"]["gross"]
    pdf = _run(client, invoice_pdf, values)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    listed_bookings = _run(client, bookings, values).json()["items"]
    assert booking["reference"] in {b["reference"] for b in listed_bookings}
    assert all(b["organisation_id"] == booking["organisation_id"] for b in listed_bookings)


def test_each_load_prints_a_new_token_and_revokes_the_last(db, capsys):
    call_command("load_demo")
    first = re.findall(r"td_[0-9a-f]{8}_\S+", capsys.readouterr().out)
    call_command("load_demo")
    second = re.findall(r"td_[0-9a-f]{8}_\S+", capsys.readouterr().out)
    assert len(first) == len(second) == 1 and first != second
    client = Client()
    assert client.get("/api/v1/bookings", HTTP_AUTHORIZATION=f"Bearer {first[0]}").status_code == 401
    answer = client.get("/api/v1/bookings", HTTP_AUTHORIZATION=f"Bearer {second[0]}")
    assert answer.status_code == 200
    assert json.loads(answer.content)["items"]  # Sam's booking, paid by the Trust
