"""The professional bodies the brochure names, as first entered: the seed of the table the
coordinator then edits (see `ProfessionalBody` for where each format comes from).

Migration accounts 0004 adds them; the demo adds any that are missing (a test database that was
emptied, say). Neither changes a body that is already there: from then on the rows are the
coordinator's. `add_published_bodies` takes the model class, so that the migration can pass its
historical model: it sets only the fields the table had when it was made.
"""

from __future__ import annotations

from typing import Any

PUBLISHED_BODIES: tuple[dict[str, Any], ...] = (
    {
        "code": "HCPC", "name": "HCPC (Health and Care Professions Council)", "position": 1,
        "number_pattern": r"^[A-Z]{2,3}\d{4,6}$", "number_example": "PYL12345",
        "number_hint": "Two or three letters for your profession, then digits, as on the HCPC "
                       "register: PYL12345, OT12345.",
    },
    {
        "code": "UKCP", "name": "UKCP (UK Council for Psychotherapy)", "position": 2,
        "number_pattern": r"^\d{4,8}$", "number_example": "20110042",
        "number_hint": "Your UKCP membership number: digits only.",
    },
    {
        "code": "BACP", "name": "BACP (British Association for Counselling and Psychotherapy)",
        "position": 3, "number_pattern": r"^\d{4,8}$", "number_example": "123456",
        "number_hint": "Your BACP membership number: digits only.",
    },
    {
        "code": "NMC", "name": "NMC (Nursing and Midwifery Council)", "position": 4,
        "number_pattern": r"^\d{2}[A-Z]\d{4}[A-Z]$", "number_example": "12A3456E",
        "number_hint": "Your NMC PIN: two digits, a letter, four digits and a letter.",
    },
    {
        "code": "GMC", "name": "GMC (General Medical Council)", "position": 5,
        "number_pattern": r"^\d{7}$", "number_example": "1234567",
        "number_hint": "Your GMC reference number: seven digits.",
    },
    {
        "code": "SWE", "name": "Social Work England", "position": 6,
        "number_pattern": r"^SW\d{1,6}$", "number_example": "SW123456",
        "number_hint": "SW and up to six digits, as on the Social Work England register.",
    },
    {
        "code": "OTHER", "name": "Another professional body", "position": 99,
        "number_pattern": "", "number_example": "", "number_hint": "",
    },
)


def add_published_bodies(model: Any) -> None:
    """Add each published body that is not in the table yet (by code); leave the others alone."""
    for body in PUBLISHED_BODIES:
        model.objects.get_or_create(
            code=body["code"], defaults={k: v for k, v in body.items() if k != "code"})
