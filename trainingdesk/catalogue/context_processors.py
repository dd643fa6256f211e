"""What every page's frame shows of the catalogue: the provider named in the footer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from trainingdesk.catalogue import selectors


def provider(request: HttpRequest) -> dict[str, Any]:
    # Lazy: read once, when a page draws the footer (the back office's pages never do). An
    # anonymous visitor's public page is cached whole, footer and all, under the version that a
    # (audited) change of the provider moves on.
    return {"site_provider": SimpleLazyObject(selectors.site_provider)}
