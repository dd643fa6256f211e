"""Workflows for people: signing up, editing one's profile, and lifting a sign-in lock-out. Each
is atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from trainingdesk.accounts.models import (
    Organisation,
    ProfessionalBody,
    ProfessionalRegistration,
    User,
    validate_zone,
)
from trainingdesk.audit.log import log_action, snapshot
from trainingdesk.lib.access import require_coordinator
from trainingdesk.notifications.services import send_email

# Signs the links that finish a sign-up; a token signed for anything else is no use here.
SIGNUP_LINK_SALT = "trainingdesk.accounts.signup"

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


class SignUpLinkInvalid(Exception):
    """The link is not one we signed for signing up, or it is too old."""


@dataclass(frozen=True)
class SignUpLink:
    """What a sign-up link vouches for: the person can read email sent to `email`. `next_url`
    is where they were going (a booking, say), as the sign-up page accepted it."""

    email: str
    next_url: str = ""


@transaction.atomic
def start_sign_up(*, email: str, next_url: str = "") -> None:
    """The first step of signing up, which does the same, as far as the person asking can tell,
    whether or not the address has an account: it emails the address. A new address is sent a
    link that finishes creating the account (nothing is saved until then); the owner of an
    address that has an account is told that someone tried, and how to sign in or reset their
    password. The caller shows "Check your email" either way."""
    email = normalise_email(email)
    owner = User.objects.filter(email__iexact=email).first()
    if owner is None:
        token = signing.dumps({"email": email, "next": next_url}, salt=SIGNUP_LINK_SALT, compress=True)
        send_email(to=[email], template="accounts/email/signup_link.txt",
                   context={"token": token, "hours": settings.SIGNUP_LINK_HOURS})
    else:
        send_email(to=[owner.email], template="accounts/email/signup_existing_account.txt",
                   context={"person": owner, "next": next_url})


def read_sign_up_link(token: str) -> SignUpLink:
    """The address (and onward page) a sign-up link was made for. Raises SignUpLinkInvalid."""
    try:
        data = signing.loads(token, salt=SIGNUP_LINK_SALT,
                             max_age=dt.timedelta(hours=settings.SIGNUP_LINK_HOURS))
    except signing.BadSignature as exc:  # SignatureExpired included
        raise SignUpLinkInvalid from exc
    if not isinstance(data, dict) or not isinstance(data.get("email"), str) or not data["email"]:
        raise SignUpLinkInvalid
    next_url = data.get("next")
    return SignUpLink(email=normalise_email(data["email"]),
                      next_url=next_url if isinstance(next_url, str) else "")


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


def person_booked_for(*, email: str, full_name: str, actor: User | None,
                      employer: Organisation | None = None) -> User:
    """The person a coordinator books a place for (on the phone, or one of an employer's staff):
    the account with that email, or a new one with no password, which the person can claim with
    "Forgot your password?". Only the coordinator may do this, or an `employer` booking its own
    staff (`actor` is then whoever answers for it, or None)."""
    if employer is None:
        require_coordinator(actor, "book places for other people")
    email = normalise_email(email)
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        return existing
    if not full_name.strip():
        raise ValidationError({"participant_name": "Enter the person's full name: they have no "
                                                   "account yet."})
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=None, full_name=full_name.strip())
    except IntegrityError:
        return User.objects.get(email=email)  # made a moment ago by someone else
    log_action(actor, "accounts.user.created_for_booking", user, after=snapshot(user))
    return user


def _registration_state(registrations: Iterable[ProfessionalRegistration]) -> list[dict[str, str]]:
    return sorted(
        ({"body": r.body_id, "body_name": r.body_name, "number": r.number} for r in registrations),
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
    A new or changed registration's number must be in its body's format
    (`ProfessionalBody.number_problem`) and is saved as the body writes it; one kept unchanged is
    not checked again.
    Raises ValueError for a field that is not on the profile or a registration that is not theirs,
    ValidationError for a value the model refuses, a body that is not in the table or a number
    not in its body's format, IntegrityError for duplicate registrations.
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
        bodies = ProfessionalBody.objects.in_bulk({e.body for e in registrations}, field_name="code")
        for entry in registrations:
            if entry.id in unchanged:
                continue
            body = bodies.get(entry.body)
            if body is None:
                raise ValidationError({"body": "Choose a professional body from the list."})
            problem = body.number_problem(entry.number)
            if problem:
                raise ValidationError({"number": problem})
            registration = ProfessionalRegistration(
                user=locked,
                body=body,
                body_name=entry.body_name.strip() if body.is_other else "",
                number=body.normalise_number(entry.number),
            )
            registration.full_clean(exclude=["user"], validate_constraints=False)
            added.append(registration)
        ProfessionalRegistration.objects.bulk_create(added)

        after = _profile_state(locked, ProfessionalRegistration.objects.filter(user=locked))
        if after != before:
            log_action(actor, "accounts.profile.updated", locked, before=before, after=after)
    return locked


def _key_of(registration: ProfessionalRegistration) -> tuple[str, str, str]:
    return (registration.body_id, registration.body_name, registration.number)


def failed_sign_ins(*, user: User) -> tuple[int, bool]:
    """(failed sign-ins within the cool-off on this person's account, from all addresses;
    whether signing in is paused for them from at least one address)."""
    from axes.models import AccessAttempt

    recent = AccessAttempt.objects.filter(
        username=user.email, attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    per_address = [row["failures"] for row in
                   recent.values("ip_address").annotate(failures=Sum("failures_since_start"))]
    return sum(per_address), any(count >= settings.AXES_FAILURE_LIMIT for count in per_address)


def unlock_sign_in(*, actor: User, user: User) -> int:
    """The coordinator lifts a sign-in lock-out: the person's failed sign-ins, from every address,
    are forgotten, and they can sign in at once. Returns how many failures were forgotten. (A
    lock-out of a whole client address is lifted on the back office's "access attempts" page.)"""
    from axes.models import AccessAttempt

    with transaction.atomic():
        # Locked, so that a failure counted meanwhile is either in the audit entry and forgotten,
        # or neither.
        attempts = list(AccessAttempt.objects.select_for_update().filter(username=user.email)
                        .values_list("pk", "failures_since_start"))
        failures = sum(count for _pk, count in attempts)
        AccessAttempt.objects.filter(pk__in=[pk for pk, _count in attempts]).delete()
        log_action(actor, "accounts.user.sign_in_unlocked", user, before={"failed_sign_ins": failures})
    return failures


def record_password_set(*, user: User, how: str) -> None:
    """After a person sets a new password ("changed" themselves, or by "reset" link): audit it
    (never the password), and lift any sign-in lock-out, since they have proved who they are."""
    from axes.utils import reset as reset_lockouts

    log_action(user, f"accounts.password.{how}", user)
    reset_lockouts(username=user.email)


def remember_zoom_report_zone(*, user: User, zone: str) -> None:
    """Remember the zone of the Zoom account whose reports the coordinator imports, for the
    next import's form. Audited when it changes."""
    if user.zoom_report_zone == zone:
        return
    validate_zone(zone)
    with transaction.atomic():
        before = {"zoom_report_zone": user.zoom_report_zone}
        user.zoom_report_zone = zone
        user.save(update_fields=["zoom_report_zone"])
        log_action(user, "accounts.user.zoom_report_zone_changed", user, before=before,
                   after={"zoom_report_zone": zone})


def employer_named(*, name: str, billing_address: str, postcode: str, invoice_email: str,
                   actor: User | None) -> Organisation:
    """The organisation a booker's employer is: the one of that name (letter case and spacing
    aside), or a new one with the billing details given, so that it appears in the list of
    employers from then on and the exports can name it."""
    name = " ".join(name.split())
    found = Organisation.objects.filter(name__iexact=name).order_by("pk").first()
    if found is not None:
        return found
    organisation = Organisation.objects.create(
        name=name, billing_address=billing_address, postcode=postcode, invoice_email=invoice_email)
    log_action(actor, "accounts.organisation.created", organisation, after=snapshot(organisation),
               reason="Named as an employer paying for a booking")
    return organisation
