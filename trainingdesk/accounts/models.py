from __future__ import annotations

import re
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trainingdesk.lib.text import refuse_bidi_controls
from trainingdesk.lib.zones import UK, is_zone


class Role(models.TextChoices):
    """What a person does here. Everyone is a participant; the others are Django groups."""

    PARTICIPANT = "participant", _("Participant")
    COORDINATOR = "coordinator", _("Training coordinator")
    TRAINER = "trainer", _("Trainer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ASSESSOR = "assessor", _("Assessor")


STAFF_ROLES = (Role.COORDINATOR, Role.TRAINER, Role.SUPERVISOR, Role.ASSESSOR)


class Sector(models.TextChoices):
    """The brochure's sectors: "CAMHS, mental health, social care, education, youth justice and
    the independent sector"."""

    CAMHS = "camhs", _("CAMHS")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    SOCIAL_CARE = "social_care", _("Social care")
    EDUCATION = "education", _("Education")
    YOUTH_JUSTICE = "youth_justice", _("Youth justice")
    INDEPENDENT = "independent", _("Independent sector")
    OTHER = "other", _("Other")


def validate_regular_expression(value: str) -> None:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValidationError(
            _("This is not a regular expression Python understands: %(problem)s."),
            params={"problem": exc},
        ) from exc


class ProfessionalBody(models.Model):
    """A professional body people register with, and the format of its registration numbers.

    The rows are data the coordinator edits in the back office: a body is added, renamed,
    re-ordered or retired (`active` off: no longer offered on the profile page, but registrations
    with it are kept) without new code. Migration accounts 0004 seeds the bodies the brochure
    names, with the formats they publish (`trainingdesk/accounts/bodies.py`):

    - HCPC (Health and Care Professions Council): the register at hcpc-uk.org shows a number as
      the profession's prefix of two or three letters and digits: PYL12345 for a practitioner
      psychologist, OT12345 for an occupational therapist, SW123456 for a social worker
      registered before Social Work England took them over in December 2019.
    - NMC (Nursing and Midwifery Council): the PIN on the NMC register, two digits, a letter,
      four digits and a letter (12A3456E).
    - GMC (General Medical Council): the GMC reference number on the medical register, 7 digits.
    - Social Work England: SW and up to six digits, as on its public register.
    - UKCP and BACP publish no format; their membership numbers are digits, so 4 to 8 digits
      are accepted. Change the pattern here when a member's real number is refused.
    - "Another professional body" (code OTHER): no format; the person names the body.

    `number_pattern` is a regular expression the whole number must match after
    `normalise_number` (spaces removed, letters in capitals, as the bodies write them); empty
    when the body publishes no format, and then any number is accepted for a person to check.
    """

    OTHER: ClassVar[str] = "OTHER"  # the code of "Another professional body": name it yourself

    code = models.CharField(
        _("code"), max_length=20, unique=True,
        validators=[RegexValidator(r"^[A-Z0-9]{2,20}$", _(
            "Use 2 to 20 capital letters or digits, such as HCPC."))],
        help_text=_("Short and unchanging, such as HCPC: registrations refer to the body by it."),
    )
    name = models.CharField(
        _("name"), max_length=200,
        help_text=_("As people choose it from the list, such as "
                    "\u201cHCPC (Health and Care Professions Council)\u201d."),
    )
    number_pattern = models.CharField(
        _("format of registration numbers"), max_length=200, blank=True,
        validators=[validate_regular_expression],
        help_text=_("A regular expression the whole number must match, in capitals and without "
                    "spaces, such as ^[A-Z]{2,3}\\d{4,6}$. Empty when the body publishes no "
                    "format: then any number is accepted."),
    )
    number_example = models.CharField(
        _("example number"), max_length=50, blank=True,
        help_text=_("A number in the body's format, such as PYL12345: shown when a number is "
                    "refused."),
    )
    number_hint = models.CharField(
        _("where to find the number"), max_length=300, blank=True,
        help_text=_("Plain words for the profile page, such as \u201cTwo or three letters for "
                    "your profession, then digits, as on the HCPC register.\u201d"),
    )
    position = models.PositiveSmallIntegerField(_("position in the list"), default=10)
    active = models.BooleanField(
        _("offered on the profile page"), default=True,
        help_text=_("Untick to retire a body: registrations with it are kept."),
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("professional body")
        verbose_name_plural = _("professional bodies")

    def __str__(self) -> str:
        return self.name

    @property
    def is_other(self) -> bool:
        return self.code == self.OTHER

    @property
    def short_name(self) -> str:
        """How a sentence names the body: "HCPC" for "HCPC (Health and Care Professions
        Council)", the whole name when it has no abbreviation first."""
        return self.name.split(" (", 1)[0]

    def normalise_number(self, number: str) -> str:
        """The number as the body writes it: a body with a format writes its numbers in capitals
        without spaces ("pyl 12345" is PYL12345); otherwise only the spacing is tidied."""
        if self.number_pattern:
            return "".join(number.split()).upper()
        return " ".join(number.split())

    def number_problem(self, number: str) -> str | None:
        """Why `number` is not a registration number of this body, or None when it is in the
        body's format (or the body publishes none). The one home of this check."""
        if not self.number_pattern:
            return None
        if re.fullmatch(self.number_pattern, self.normalise_number(number)):
            return None
        if self.number_example:
            return str(_("%(a_body)s number looks like %(example)s.") % {
                "a_body": with_article(self.short_name), "example": self.number_example})
        return str(_("This is not in the format of %(body)s numbers.") % {"body": self.short_name})

    def clean(self) -> None:
        if self.number_pattern and not self.number_example:
            raise ValidationError({"number_example": _(
                "Give an example of a number in this format: it is shown when a number is "
                "refused.")})
        if self.number_pattern and self.number_example:
            try:
                matches = re.fullmatch(self.number_pattern, self.normalise_number(self.number_example))
            except re.error:
                return  # the field's own validator says what is wrong with the pattern
            if not matches:
                raise ValidationError({"number_example": _(
                    "The example does not match the format: people would be shown a number "
                    "they cannot enter.")})


def with_article(name: str) -> str:
    """ "An HCPC", "A UKCP", "An NMC", "A Social Work England": an abbreviation takes the article
    of how its first letter is said, a word that of its first letter."""
    if not name:
        return name
    first = name[0].upper()
    if name.split(" ")[0].isupper() and len(name.split(" ")[0]) > 1:
        vowel_sound = first in "AEFHILMNORSX"
    else:
        vowel_sound = first in "AEIOU"
    return f"{'An' if vowel_sound else 'A'} {name}"


def validate_zone(value: str) -> None:
    if not is_zone(value):
        raise ValidationError(_("Choose a time zone from the list, such as Europe/London."))


class EmailUserManager(UserManager["User"]):
    """Users sign in with their email address; there is no separate username."""

    use_in_migrations = True

    def _create_user_by_email(
        self, email: str, password: str | None, **extra: Any
    ) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user_by_email(email, password, **extra)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user_by_email(email, password, **extra)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, validators=[refuse_bidi_controls])
    job_role = models.CharField(_("job role"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True,
                                         validators=[refuse_bidi_controls])
    country = models.CharField(_("country"), max_length=100, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=UK, validators=[validate_zone],
        help_text=_("Times of training days are shown in UK time and in this zone."),
    )
    zoom_report_zone = models.CharField(
        _("zone of Zoom reports"), max_length=64, blank=True, validators=[validate_zone],
        help_text=_("For the coordinator: the zone of the Zoom account whose participant reports "
                    "they import, remembered from the last import. Empty: their own time zone."),
    )
    is_member = models.BooleanField(
        _("member"), default=False,
        help_text=_("Set by the coordinator: may choose price options for members."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = EmailUserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def role_names(self) -> frozenset[str]:
        """The roles this person holds; read once per request from their groups."""
        cached = getattr(self, "_role_names", None)
        if cached is None:
            cached = frozenset(self.groups.values_list("name", flat=True))
            self._role_names = cached
        return cached

    def has_role(self, role: Role) -> bool:
        if role == Role.PARTICIPANT:
            return True
        if role == Role.COORDINATOR and self.is_superuser:
            return True
        return role.value in self.role_names

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and self.has_role(Role.COORDINATOR)

    @property
    def works_here(self) -> bool:
        """Staff of the provider: the back office, or any role beyond taking part."""
        return (self.is_staff or self.is_superuser
                or any(role.value in self.role_names for role in STAFF_ROLES))


class ProfessionalRegistration(models.Model):
    """A registration with a professional body (HCPC, UKCP, BACP, NMC, GMC, ...)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="registrations")
    # Refers to the body by its code, in the column that held the code before bodies were a
    # table (migration 0005), so that existing rows kept their values.
    body = models.ForeignKey(
        ProfessionalBody, verbose_name=_("professional body"), on_delete=models.PROTECT,
        to_field="code", db_column="body", related_name="registrations",
    )
    body_name = models.CharField(
        _("name of the body"), max_length=200, blank=True,
        help_text=_("Only when the body is not in the list."),
    )
    number = models.CharField(_("registration number"), max_length=50)

    class Meta:
        ordering = ["body", "number"]
        constraints = [
            models.UniqueConstraint(fields=["user", "body", "number"], name="unique_registration"),
        ]

    def __str__(self) -> str:
        name = self.body_name if self.body_id == ProfessionalBody.OTHER else self.body_id
        return f"{name} {self.number}"


class Organisation(models.Model):
    """An employer that pays for its staff's training, often by purchase order."""

    name = models.CharField(_("name"), max_length=200, validators=[refuse_bidi_controls])
    billing_address = models.TextField(_("billing address"))
    postcode = models.CharField(_("postcode"), max_length=12, blank=True)
    invoice_email = models.EmailField(_("invoice email"))
    requires_purchase_order = models.BooleanField(_("requires a purchase-order number"), default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def live(self) -> CalendarFeedQuerySet:
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    """A person's private calendar subscription: a secret address that calendar apps fetch
    without signing in (`accounts.feeds`). Only the SHA-256 of its token is stored, so the
    database (or the back office, or a backup) reveals no address; the person is shown it once,
    when it is made, and renews it to get a new one. At most one live feed a person; a renewed
    or revoked one is kept, revoked, for the record."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(revoked_at__isnull=True),
                                    name="one_live_calendar_feed_a_person"),
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user} ({'revoked' if self.revoked_at else 'live'})"


class PublishedCalendarEntry(models.Model):
    """What a person's feed last published under one uid: the entry's fingerprint and its
    SEQUENCE, which goes up by one each time the fingerprint changes. Kept per person, not per
    feed, so a renewed address goes on counting where the old one stopped."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    uid = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "uid"], name="one_published_entry_a_uid"),
        ]

    def __str__(self) -> str:
        return f"{self.uid} #{self.sequence}"
