"""The client's address behind TRUSTED_PROXY_COUNT proxies, for the rate limits and the sign-in
lock-out; with no trusted proxy, X-Forwarded-For (which anyone can send) is ignored."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import RequestFactory, override_settings
from django.urls import reverse

from tests.factories import PASSWORD
from trainingdesk.lib.clientip import client_address

NGINX = "10.0.0.2"


def _request(xff: str | None, remote: str = NGINX):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "xff", "client"),
    [
        (0, None, NGINX),
        (0, "203.0.113.9", NGINX),  # sent by the client itself: not believed
        (1, "203.0.113.9", "203.0.113.9"),  # nginx appended the client
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client wrote 6.6.6.6 itself
        (2, "203.0.113.9, 10.0.0.7", "203.0.113.9"),  # a load balancer, then nginx
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (1, None, NGINX),  # reached the app without the proxy
        (2, "203.0.113.9", NGINX),  # fewer entries than proxies: the header is not to be trusted
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_it_reads_the_address_the_trusted_proxies_saw(proxies: int, xff: str | None, client: str) -> None:
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_address(_request(xff)) == client


STILL = time_machine.travel(dt.datetime(2026, 11, 25, 12, 0, 10, tzinfo=dt.UTC), tick=False)


@STILL
@override_settings(TRUSTED_PROXY_COUNT=1, VERIFY_RATE_LIMIT_PER_MINUTE=2)
def test_behind_a_proxy_two_visitors_have_their_own_verify_limits(client, db):
    url = reverse("certificates:verify", args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"])
    first = [client.get(url, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code
             for _ in range(3)]
    second = client.get(url, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="198.51.100.4").status_code
    assert (first, second) == ([404, 404, 429], 404)


@STILL
@override_settings(TRUSTED_PROXY_COUNT=0, VERIFY_RATE_LIMIT_PER_MINUTE=2)
def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_limit(client, db):
    url = reverse("certificates:verify", args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"])
    statuses = [client.get(url, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(3)]
    assert statuses == [404, 404, 429]


@override_settings(TRUSTED_PROXY_COUNT=1, AXES_FAILURE_LIMIT=2)
def test_behind_a_proxy_one_visitors_failed_sign_ins_do_not_lock_out_another(client, participant):
    url = reverse("accounts:login")
    for _ in range(2):
        client.post(url, {"username": participant.email, "password": "wrong-password-1"},
                    REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.9")
    locked = client.post(url, {"username": participant.email, "password": PASSWORD},
                         REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert locked.status_code == 429
    other = client.post(url, {"username": participant.email, "password": PASSWORD},
                        REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert other.status_code == 302
