"""Webhooks go to public addresses only: an endpoint at this server's own machine, a private
network or a cloud's metadata service is refused when registered, and a name that resolves to
one is refused when the delivery is sent, so the site cannot be made to call inside itself."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from tests.webhooks.conftest import make_endpoint
from trainingdesk.webhooks import services
from trainingdesk.webhooks.models import DeliveryStatus, Endpoint

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "https://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
    "https://10.0.0.5/hooks", "https://192.168.1.20/hooks", "https://[fd00::1]/hooks",
    "https://127.0.0.1/hooks", "https://localhost:8443/hooks", "https://[::1]/hooks",
])
def test_a_private_address_is_refused_when_registered(coordinator, url):
    with override_settings(WEBHOOK_ALLOW_LOOPBACK=False), pytest.raises(ValidationError) as refused:
        services.create_endpoint(url=url, event_types=["booking.confirmed"], description="",
                                 actor=coordinator)
    [message] = refused.value.message_dict["url"]
    assert message.endswith("is not a public address: webhooks go only to systems on the internet.")
    assert not Endpoint.objects.exists()


def test_an_intranet_install_may_allow_private_addresses(coordinator):
    with override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=True):
        endpoint = services.create_endpoint(url="https://10.0.0.5/hooks",
                                            event_types=["booking.confirmed"], description="",
                                            actor=coordinator)
    assert endpoint.url == "https://10.0.0.5/hooks"


def test_an_address_on_this_machine_is_refused_again_when_sending(
        coordinator, receiver, django_capture_on_commit_callbacks):
    """What registration let through (an endpoint kept from before the rule, or a name
    re-pointed since) is checked again at each delivery, after the name is resolved: nothing
    reaches the receiver listening here."""
    endpoint = make_endpoint(coordinator, receiver)
    with (override_settings(WEBHOOK_ALLOW_LOOPBACK=False),
          django_capture_on_commit_callbacks(execute=True)):
        delivery = services.send_test_event(endpoint=endpoint, actor=coordinator)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == ("Refused: the address is 127.0.0.1, not a public one; webhooks "
                                   "go only to public addresses")
    assert receiver.received == []
    # Allowed (a developer's machine), the same endpoint is reached.
    with django_capture_on_commit_callbacks(execute=True):
        services.send_test_event(endpoint=endpoint, actor=coordinator)
    assert len(receiver.received) == 1
