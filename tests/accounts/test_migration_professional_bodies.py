"""Migrations accounts 0004-0005 and catalogue 0005-0006: bodies become a table, and what was
stored before keeps its meaning: every registration its body, code and number; every level its
accepted bodies (a code the table lacked becomes a retired body rather than being lost)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0003_user_zoom_report_zone"),
          ("catalogue", "0004_provider_pages_and_programme_statements")]

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets: list[tuple[str, str]] | None = None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    executor.loader.build_graph()
    return executor


def test_registrations_and_levels_keep_their_bodies() -> None:
    old = migrate(BEFORE).loader.project_state(BEFORE).apps
    User = old.get_model("accounts", "User")
    Registration = old.get_model("accounts", "ProfessionalRegistration")
    pat = User.objects.create(email="pat@example.org", full_name="Pat")
    sam = User.objects.create(email="sam@example.org", full_name="Sam")
    Registration.objects.create(user=pat, body="HCPC", number="PYL12345")
    Registration.objects.create(user=pat, body="OTHER", body_name="Irish Association", number="X-1")
    Registration.objects.create(user=sam, body="SWE", number="not in any format")
    Provider = old.get_model("catalogue", "Provider")
    Programme = old.get_model("catalogue", "Programme")
    Level = old.get_model("catalogue", "Level")
    provider = Provider.objects.create(name="P", address="A")
    programme = Programme.objects.create(provider=provider, name="NVR", slug="nvr")
    Level.objects.create(programme=programme, name="Advanced", slug="advanced", position=2,
                         days_required=6, accepted_bodies=["GMC", "HCPC", "ukcp", "Xyz"])

    migrate()

    from trainingdesk.accounts.models import ProfessionalRegistration
    from trainingdesk.catalogue.models import Level as NewLevel

    kept = ProfessionalRegistration.objects.select_related("body", "user").order_by("pk")
    assert [(r.user.email, r.body.code, r.body_name, r.number) for r in kept] == [
        ("pat@example.org", "HCPC", "", "PYL12345"),
        ("pat@example.org", "OTHER", "Irish Association", "X-1"),
        ("sam@example.org", "SWE", "", "not in any format"),
    ]
    assert kept[0].body.number_problem(kept[0].number) is None
    advanced = NewLevel.objects.get(slug="advanced")
    assert [(b.code, b.active) for b in advanced.accepted_bodies.all()] == [
        ("HCPC", True), ("UKCP", True), ("GMC", True), ("XYZ", False),
    ]
