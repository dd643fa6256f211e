from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from tests.webhooks.receiver import Receiver, start
from trainingdesk.accounts.models import User
from trainingdesk.lib import events
from trainingdesk.webhooks import services
from trainingdesk.webhooks.models import Endpoint

DELAYS = (30, 120, 600)  # seconds: growing, and few, so that a test reaches the end


@pytest.fixture(autouse=True)
def _webhook_settings() -> Iterator[None]:
    # The test's receiver listens on this machine, as a developer's does.
    with override_settings(WEBHOOK_RETRY_DELAYS=DELAYS, WEBHOOK_TIMEOUT_SECONDS=1,
                           WEBHOOK_DISABLE_AFTER_DAYS=3, WEBHOOK_ALLOW_LOOPBACK=True,
                           WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False):
        yield


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    server = start(found)
    yield found
    server.shutdown()
    server.server_close()


def make_endpoint(coordinator: User, receiver: Receiver, types: list[str] | None = None,
                  description: str = "HR system") -> Endpoint:
    """An endpoint at the receiver, made as the coordinator makes one: http to this machine is
    allowed while developing (DEBUG), as the test's receiver is."""
    with override_settings(DEBUG=True):
        endpoint = services.create_endpoint(url=receiver.url, event_types=types or list(events.EVENT_TYPES),
                                            description=description, actor=coordinator)
    receiver.secret = endpoint.secret
    return endpoint


@pytest.fixture
def endpoint(coordinator: User, receiver: Receiver) -> Endpoint:
    return make_endpoint(coordinator, receiver)
