"""Workflows for people: signing up and editing one's profile. Each is atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from trainingdesk.accounts.models import ProfessionalBody, ProfessionalRegistration, User
from trainingdesk.audit.log import log_action, snapshot

# What a person may change about themselves on their profile page.
PROFILE_FIELDS = ("full_name", "job_role", "sector", "organisation_name", "country", "time_zone")


class EmailInUse(Exception):
    """Someone already has an account with this email address."""


@dataclass(frozen=True)
class RegistrationEntry:
    """One professional registration as the person wants it; `id` names an existing one."""

    body: str
    number: str
    body_name: str = ""
    id: int | None = None

    def key(self) -> tuple[str, str, str]:
        return (self.body, self.body_name if self.body == ProfessionalBody.OTHER else "", self.number)


def normalise_email(email: str) -> str:
    """Emails are stored lower-case, so that Pat@Example.org and pat@example.org are one person."""
    return email.strip().lower()


def email_in_use(email: str) -> bool:
    return User.objects.filter(email__iexact=normalise_email(email)).exists()


@transaction.atomic
def register_participant(*, email: str, full_name: str, password: str) -> User:
    """Create a participant's account. Raises EmailInUse if the address is taken."""
    email = normalise_email(email)
    if email_in_use(email):
        raise EmailInUse(email)
    try:
        # Two sign-ups with one address at the same moment: the unique index lets one through.
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, full_name=full_name.strip())
    except IntegrityError as exc:
        raise EmailInUse(email) from exc
    log_action(user, "accounts.user.registered", user, after=snapshot(user))
    return user


def _registration_state(registrations: Iterable[ProfessionalRegistration]) -> list[dict[str, str]]:
    return sorted(
        ({"body": r.body, "body_name": r.body_name, "number": r.number} for r in registrations),
        key=lambda r: (r["body"], r["body_name"], r["number"]),
    )


def _profile_state(user: User, registrations: Iterable[ProfessionalRegistration]) -> dict[str, Any]:
    state: dict[str, Any] = {name: getattr(user, name) for name in PROFILE_FIELDS}
    state["registrations"] = _registration_state(registrations)
    return state


def update_profile(
    *,
    actor: User,
    user: User,
    details: Mapping[str, str],
    registrations: Sequence[RegistrationEntry],
) -> User:
    """Save a person's details and their full list of professional registrations together.

    `registrations` is the whole list as it should be afterwards: entries with an `id` keep that
    registration (changed if needed), entries without one are added, and the person's other
    registrations are removed. Everything is saved, and audited, or nothing is.
    Raises ValueError for a field that is not on the profile or a registration that is not theirs,
    ValidationError for a value the model refuses, IntegrityError for duplicate registrations.
    """
    unknown = set(details) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        # Lock the person's row: two saves of one profile (two browser tabs) then run one after
        # the other, and each audit entry's "before" is what that save really replaced.
        locked = User.objects.select_for_update().get(pk=user.pk)
        existing = {r.pk: r for r in ProfessionalRegistration.objects.filter(user=locked)}
        before = _profile_state(locked, existing.values())

        for name, value in details.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        locked.clean_fields(exclude=[f.name for f in User._meta.fields if f.name not in details])
        if details:
            locked.save(update_fields=list(details))

        wanted = [e for e in registrations if e.id is not None]
        strangers = {e.id for e in wanted} - existing.keys()
        if strangers:
            raise ValueError("A registration that is not this person's cannot be changed here.")
        unchanged = {
            e.id for e in wanted
            if e.id is not None and e.key() == _key_of(existing[e.id])
        }
        # Remove what is gone or changed first, then add what is new or changed, so that
        # swapping two numbers never trips the unique constraint half-way through.
        ProfessionalRegistration.objects.filter(user=locked).exclude(pk__in=unchanged).delete()
        added = []
        for entry in registrations:
            if entry.id in unchanged:
                continue
            registration = ProfessionalRegistration(
                user=locked,
                body=entry.body,
                body_name=entry.body_name.strip() if entry.body == ProfessionalBody.OTHER else "",
                number=entry.number.strip(),
            )
            registration.full_clean(exclude=["user"], validate_constraints=False)
            added.append(registration)
        ProfessionalRegistration.objects.bulk_create(added)

        after = _profile_state(locked, ProfessionalRegistration.objects.filter(user=locked))
        if after != before:
            log_action(actor, "accounts.profile.updated", locked, before=before, after=after)
    return locked


def _key_of(registration: ProfessionalRegistration) -> tuple[str, str, str]:
    return (registration.body, registration.body_name, registration.number)


def record_password_set(*, user: User, how: str) -> None:
    """After a person sets a new password ("changed" themselves, or by "reset" link): audit it
    (never the password), and lift any sign-in lock-out, since they have proved who they are."""
    from axes.utils import reset as reset_lockouts

    log_action(user, f"accounts.password.{how}", user)
    reset_lockouts(username=user.email)
