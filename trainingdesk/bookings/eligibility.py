"""May this person book this level? Bookings asks; the admissions app, above it, answers at
start-up (`answer_with`). Without an answer, a level configured to need an approved application
cannot be booked."""

from __future__ import annotations

from collections.abc import Callable

from trainingdesk.accounts.models import User
from trainingdesk.catalogue.models import CourseRun, Level

Answer = Callable[[User, Level, CourseRun | None], str | None]
_answer: list[Answer] = []


def answer_with(answer: Answer) -> None:
    _answer[:] = [answer]


def admission_refusal(participant: User, level: Level, run: CourseRun | None = None) -> str | None:
    """Why this person may not book a run of this level; None when they may."""
    if _answer:
        return _answer[0](participant, level, run)
    if level.requires_approved_application:
        return (
            f"Places on the {level.name} level need an approved application first. "
            "Apply for the level, and book once your application is approved."
        )
    return None
