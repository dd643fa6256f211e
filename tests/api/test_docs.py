"""The contract and its docs: /api/v1/openapi.json is OpenAPI 3.1 with every operation, and the
docs page loads Swagger UI from this site only (no CDN), so it works offline and within the
site's Content-Security-Policy."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.api.conftest import Api


def test_the_contract_is_openapi_3_1_with_every_operation_and_bearer_auth(api: Api, db):
    contract = api.get("/api/v1/openapi.json").json()
    assert contract["openapi"].startswith("3.1")
    paths = contract["paths"]
    for path in ["/api/v1/levels", "/api/v1/runs", "/api/v1/runs/{run_id}", "/api/v1/bookings",
                 "/api/v1/bookings/{reference}", "/api/v1/bookings/{reference}/cancel",
                 "/api/v1/invoices", "/api/v1/invoices/{number}", "/api/v1/invoices/{number}.pdf"]:
        assert path in paths
    assert contract["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert set(paths["/api/v1/bookings"]["post"]["responses"]) >= {"201", "401", "403", "422", "429"}


def test_the_docs_page_loads_everything_from_this_site(api: Api, db):
    response = api.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    addresses = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert addresses and all(a.startswith("/api/v1/docs/assets/") for a in addresses)
    for address in addresses:
        asset = api.get(address)
        assert asset.status_code == 200
        assert b"".join(asset.streaming_content)
    assert "<script>" not in html  # no inline script for the CSP to refuse


def test_the_docs_serve_only_swagger_s_own_files(api: Api, db):
    assert api.get("/api/v1/docs/assets/..%2F..%2Fmain.py").status_code == 404
    assert api.get("/api/v1/docs/assets/redoc.standalone.js").status_code == 404


@pytest.mark.parametrize("persona", ["anonymous", "participant", "trainer", "supervisor_user",
                                     "assessor", "coordinator"])
def test_the_docs_files_are_public_and_read_only_for_everyone(client, request, persona, db):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = reverse("api:docs_asset", args=["swagger-ui-bundle.js"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/javascript"
    assert b"".join(response.streaming_content)
    assert client.post(url).status_code == 405
    assert client.get(reverse("api:docs_asset", args=["settings.py"])).status_code == 404
