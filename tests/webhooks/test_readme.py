"""The README's way to check a webhook works on what the site sends, and refuses a changed body."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import WebhookVerificationError

from trainingdesk.webhooks.models import new_secret
from trainingdesk.webhooks.tasks import encode, signed_headers

README = Path(__file__).resolve().parents[2] / "README.md"


def _receive() -> Any:
    section = README.read_text().split("## Webhooks", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None
    namespace: dict[str, Any] = {}
    exec(code.group(1), namespace)  # noqa: S102 - our own README's example
    return namespace["receive"]


def test_the_readmes_receiver_verifies_what_the_site_signs_and_refuses_a_change():
    receive, secret = _receive(), new_secret()
    body = encode({"type": "invoice.issued", "timestamp": timezone.now().isoformat(),
                   "data": {"number": "INV-000001"}})
    headers = signed_headers(secret=secret, event_id="7d3c2d1e-0000-4000-8000-000000000001",
                             at=timezone.now(), body=body)
    assert receive(body.encode(), headers, secret)["data"] == {"number": "INV-000001"}
    with pytest.raises(WebhookVerificationError):
        receive(body.replace("000001", "000002").encode(), headers, secret)
