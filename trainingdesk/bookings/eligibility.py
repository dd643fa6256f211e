"""May this person book this level? The admissions part of the product answers in full;
until it exists, a level configured to need an approved application cannot be booked."""

from __future__ import annotations

from trainingdesk.accounts.models import User
from trainingdesk.catalogue.models import Level


def admission_refusal(participant: User, level: Level) -> str | None:
    if level.requires_approved_application:
        return (
            f"Places on the {level.name} level need an approved application first. "
            "Apply for the level, and book once your application is approved."
        )
    return None
