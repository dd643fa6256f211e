"""bench/webhook_receiver.py: it counts each webhook-id, a repeat, and a signature that does not
verify with the endpoint's secret."""

from __future__ import annotations

import datetime as dt

import requests

from bench.webhook_receiver import Receiver
from trainingdesk.webhooks.models import new_secret
from trainingdesk.webhooks.tasks import encode, signed_headers


def test_it_counts_deliveries_repeats_and_bad_signatures() -> None:
    receiver = Receiver()
    receiver.secret = new_secret()
    try:
        body = encode({"type": "webhook.test", "data": {}})
        now = dt.datetime.now(dt.UTC)
        good = signed_headers(secret=receiver.secret, event_id="msg_1", at=now, body=body)
        bad = signed_headers(secret=new_secret(), event_id="msg_2", at=now, body=body)
        for headers in (good, good, bad):
            answer = requests.post(receiver.url, data=body.encode(), headers=headers, timeout=5)
            assert answer.status_code == 204
    finally:
        receiver.stop()
    assert (receiver.received, len(receiver.ids), receiver.duplicated, receiver.unverified) == (3, 2, 1, 1)
