"""The sign-in lock-out (django-axes' AXES_HANDLER), counting failures two ways, each against its
own limit, within the cool-off:

- one account from one client address (AXES_LOCKOUT_PARAMETERS), AXES_FAILURE_LIMIT: someone
  guessing one person's password;
- one client address across every account it tried, AXES_CLIENT_FAILURE_LIMIT, higher: someone
  trying a few passwords on many accounts. It is higher so that an office behind one NAT address
  is not locked out because one person there forgot their password.

The address is the trusted one (AXES_CLIENT_IP_CALLABLE, trainingdesk/lib/clientip.py). A
successful sign-in clears only that account's count from that address, as before; the client's
failures on other accounts still count until the cool-off ends.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_failures(request: HttpRequest) -> int:
    """Failed sign-ins from this request's client address, on any account, within the cool-off."""
    recent = AccessAttempt.objects.filter(
        ip_address=getattr(request, "axes_ip_address", None),
        attempt_time__gte=get_cool_off_threshold(request),
    )
    return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0


class AccountAndClientLockout(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """The account's failures from this address, or the limit itself when the client as a
        whole has reached its own limit (axes compares this number with AXES_FAILURE_LIMIT, both
        before a sign-in is tried and after one fails). The request is marked, so the lock-out
        page can say that it is the network, not the account, that is paused."""
        failures: int = super().get_failures(request, credentials)
        if client_failures(request) >= settings.AXES_CLIENT_FAILURE_LIMIT:
            request.axes_client_locked_out = True  # type: ignore[attr-defined]
            return max(failures, get_failure_limit(request, credentials))
        return failures
