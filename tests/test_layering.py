"""Dependencies point one way (STYLE.md): no app imports a higher one, even inside a function,
nor reverses a higher app's URLs in Python. Where a lower app must ask a higher one, it defines
the question and the higher app registers the answer at start-up."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "trainingdesk"
# Lowest first. An app may use any app before it in this list, never one after it.
LAYERS = ["lib", "audit", "notifications", "accounts", "catalogue", "invoicing", "bookings",
          "attendance", "admissions", "supervision", "coursework", "certificates", "webhooks", "api",
          "privacy", "demo"]
# URL namespaces each app owns.
NAMESPACES = {"control": "bookings", "bookings": "bookings", "catalogue": "catalogue",
              "invoicing": "invoicing", "attendance": "attendance", "certificates": "certificates",
              "accounts": "accounts", "notifications": "notifications", "admissions": "admissions",
              "supervision": "supervision", "coursework": "coursework", "webhooks": "webhooks",
              "api": "api", "privacy": "privacy"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name.split(".")[1] for name in found
            if name.startswith("trainingdesk.") and name.count(".") >= 1}


def _reversed_namespaces(path: Path) -> set[str]:
    return set(re.findall(r"""reverse(?:_lazy)?\(\s*["'](\w+):""", path.read_text()))


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_uses_only_the_apps_below_it(app):
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    problems = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for other in _imports(path) - allowed:
            if other in LAYERS:
                problems.append(f"{path.relative_to(ROOT)} imports {other}")
        for namespace in _reversed_namespaces(path):
            owner = NAMESPACES.get(namespace)
            if owner and owner not in allowed:
                problems.append(f"{path.relative_to(ROOT)} reverses {namespace}: URLs ({owner})")
    assert problems == []
