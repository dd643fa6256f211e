"""/healthz/, the benchmark's floor and a load balancer's probe (trainingdesk/lib/views.py)."""

from __future__ import annotations

from django.test import Client


def test_it_answers_ok_in_plain_text_without_the_database() -> None:
    response = Client().get("/healthz/")  # no db fixture: a query would fail the test

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"ok"


def test_it_refuses_a_post() -> None:
    assert Client().post("/healthz/").status_code == 405
