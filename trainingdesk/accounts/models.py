from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
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


class ProfessionalBody(models.TextChoices):
    HCPC = "HCPC", _("HCPC (Health and Care Professions Council)")
    UKCP = "UKCP", _("UKCP (UK Council for Psychotherapy)")
    BACP = "BACP", _("BACP (British Association for Counselling and Psychotherapy)")
    NMC = "NMC", _("NMC (Nursing and Midwifery Council)")
    GMC = "GMC", _("GMC (General Medical Council)")
    SWE = "SWE", _("Social Work England")
    OTHER = "OTHER", _("Another professional body")


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
    body = models.CharField(_("professional body"), max_length=10, choices=ProfessionalBody.choices)
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
        name = self.body_name if self.body == ProfessionalBody.OTHER else self.body
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
