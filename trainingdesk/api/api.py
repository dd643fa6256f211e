"""The REST API at /api/v1/: django-ninja, its OpenAPI 3.1 contract at /api/v1/openapi.json and
interactive docs at /api/v1/docs (Swagger UI served from here, no CDN).

Every error is a problem-details answer (`api.problems`); every operation authenticates with
`api.auth.TokenAuth` and checks one scope; lists use `api.pagination`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

from trainingdesk.api import bookings, catalogue, invoices, problems, records

DESCRIPTION = """Trainingdesk's API: the public catalogue, bookings, invoices and credit notes.

**Authentication**: `Authorization: Bearer td_<prefix>_<secret>`. A person makes their own
tokens from their profile; the coordinator makes organisation tokens at /control/api-tokens/.
Each operation needs one scope (named in its description). The catalogue may be read without a
token.

**Errors** are RFC 9457 problem details (`application/problem+json`): `type`, `title`,
`status`, `detail`, and `errors` (each with `field`, `pointer` and `message`). A request that
does not validate (wrong types, missing or unknown fields, a refusal by the rules) is **422**;
a body that is not JSON is **400**; a body over the size limit is **413**; too many requests
**429** with `Retry-After`.

**Lists** are pages of at most `limit` (1-100) rows, oldest first, with `next`: the URL of the
next page (an opaque cursor), null on the last.

**Safe retries**: send `Idempotency-Key` with a POST; the same key and body return the first
answer and do nothing twice. The same key with another body is refused (422).

**Money** is a string with its currency (`{"amount": "300.00", "currency": "GBP"}`); times are
ISO 8601 with their offset.
"""


class LocalSwagger(DocsBase):
    """Swagger UI from django-ninja's own copy of its files, served by this app: the docs work
    offline and within the site's Content-Security-Policy (no CDN)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        return render(request, "api/docs.html", {
            "api": api, "openapi_url": reverse("api:openapi-json"),
        })


api = NinjaAPI(
    title="Trainingdesk API", version="1", description=DESCRIPTION, urls_namespace="api",
    docs=LocalSwagger(), docs_url="/docs",
)
problems.register(api)
api.add_router("/", catalogue.router)
api.add_router("/", bookings.router)
api.add_router("/", invoices.router)
api.add_router("/", records.router)
