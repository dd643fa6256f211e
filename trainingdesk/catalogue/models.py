"""The catalogue as configuration: provider, programme, levels and their rules, runs, days,
price options, VAT rates and fees. Another provider or course is new rows, not new code."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from trainingdesk.accounts.models import validate_zone
from trainingdesk.catalogue import rules
from trainingdesk.lib.files import private_storage
from trainingdesk.lib.money import TaxedAmount
from trainingdesk.lib.uploads import Kind
from trainingdesk.lib.zones import UK, aware

if TYPE_CHECKING:
    from collections.abc import Iterable

MAX_PRICE = Decimal("100000")


class Provider(models.Model):
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"))
    vat_number = models.CharField(_("VAT registration number"), max_length=20, blank=True)
    accreditation = models.CharField(
        _("accreditation line"), max_length=300, blank=True,
        help_text=_("Shown on the public pages and printed on documents, e.g. 'An accredited "
                    "training provider registered with the NVR Association (NVRA)'."),
    )
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("contact telephone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    # The public pages linked from every page's footer; empty, a page says it is not published yet.
    accessibility_statement = models.TextField(
        _("accessibility statement"), blank=True,
        help_text=_("Shown at /accessibility/. Paragraphs are separated by a blank line."),
    )
    privacy_notice = models.TextField(
        _("privacy notice"), blank=True,
        help_text=_("Shown at /privacy/. Paragraphs are separated by a blank line."),
    )
    terms = models.TextField(
        _("terms and conditions"), blank=True,
        help_text=_("Shown at /terms/. Paragraphs are separated by a blank line."),
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), default=30, validators=[MaxValueValidator(365)]
    )
    waitlist_offer_hours = models.PositiveSmallIntegerField(
        _("a waitlist offer is open for (hours)"), default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
    )
    open_badges_for_confirmations = models.BooleanField(
        _("Attendance Confirmations are also Open Badges credentials"), default=False,
        help_text=_("Certificates always are."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    summary = models.TextField(_("summary"), blank=True)
    who_should_attend = models.TextField(_("who should attend"), blank=True)
    award_name = models.CharField(
        _("award"), max_length=200, blank=True,
        help_text=_("What completing the whole programme earns, e.g. 'Advanced Certificate in "
                    "NVR Practice'."),
    )
    award_requirements = models.TextField(_("what the award requires"), blank=True)
    # The provider's statements about the course, shown on its public pages.
    approach = models.TextField(
        _("what the training is designed for"), blank=True,
        help_text=_("e.g. 'Designed for working with individual families. It is not a manualised "
                    "group-work programme.'"),
    )
    training_others = models.TextField(
        _("training others ('train the trainer')"), blank=True,
        help_text=_("Whether the course equips participants to train colleagues, and why."),
    )
    trainers = models.TextField(
        _("about the trainers"), blank=True,
        help_text=_("Their experience and accreditation."),
    )
    # What the award (the certificate) requires, as data: certificates.rules reads these.
    certificate_levels: models.ManyToManyField[Level, Any] = models.ManyToManyField(
        "Level", verbose_name=_("levels the certificate requires"), blank=True,
        related_name="certificate_programmes",
        help_text=_("Each level's Attendance Confirmation is needed; the coursework of any of "
                    "them that has coursework must be passed."),
    )
    certificate_supervision_hours = models.PositiveSmallIntegerField(
        _("supervision hours the certificate requires"), default=0,
    )
    certificate_accepts_own_supervisor = models.BooleanField(
        _("a participant's own supervisor stands in for the supervision hours"), default=True,
    )
    certificate_accepts_equivalent_levels = models.BooleanField(
        _("a level done with another provider counts, once accepted as equivalent"), default=True,
        help_text=_("A certificate level the participant did elsewhere, which the coordinator "
                    "accepted on an approved application to the next level (the brochure's "
                    "\"equivalent Level 1 training with a different provider\"), counts as done."),
    )
    certification_information = models.TextField(
        _("about certification"), blank=True,
        help_text=_("The public certification information page: the process, the coursework and "
                    "the fee. Paragraphs separated by a blank line."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name



def _guidelines_path(instance: Guidelines, filename: str) -> str:
    # A name of our own: the uploaded name is kept, cleaned, only for the download.
    return f"catalogue/guidelines/{uuid.uuid4().hex}"


class GuidelinesQuerySet(models.QuerySet["Guidelines"]):
    def current(self) -> Guidelines | None:
        """The newest version: the one the public link serves."""
        return self.order_by("-version").first()


class Guidelines(models.Model):
    """A version of a programme's course guidelines, the document its certification page offers.

    Versions are kept, never changed: a new upload is a new version, and the newest is the one
    the page's stable link serves. Rows are written only by `services.upload_guidelines`, after
    the file has been checked by its content."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="guidelines")
    version = models.PositiveIntegerField(_("version"), validators=[MinValueValidator(1)])
    file = models.FileField(storage=private_storage, upload_to=_guidelines_path, max_length=200)
    file_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"))

    objects = GuidelinesQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "-version"]
        verbose_name = _("course guidelines")
        verbose_name_plural = _("course guidelines")
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"],
                                    name="unique_guidelines_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="guidelines_version_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name}, version {self.version}"

    @property
    def kind(self) -> Kind | None:
        return next((kind for kind in Kind if kind.content_type == self.content_type), None)

    @property
    def format_label(self) -> str:
        """What a person calls the file's format: "PDF", "Word document"."""
        kind = self.kind
        return kind.label if kind is not None else self.file_name.rpartition(".")[2].upper()

    @property
    def size_label(self) -> str:
        """240 KB, 1.2 MB: how big the download is, to the nearest KB below a megabyte."""
        if self.size < 1024 * 1024:
            return f"{max(1, round(self.size / 1024))} KB"
        return f"{self.size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


class Level(models.Model):
    """A level of a programme, with its rules as data: what it requires, what it earns."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="levels")
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. Foundation"))
    slug = models.SlugField(_("slug"))
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    accreditation = models.CharField(
        _("accreditation"), max_length=100, blank=True, help_text=_("e.g. NVRA Level 1")
    )
    summary = models.TextField(_("summary"), blank=True)
    contents = models.TextField(_("course contents"), blank=True, help_text=_("One topic a line."))
    days_required = models.PositiveSmallIntegerField(
        _("training days"), validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("How many days a run of this level has, and a participant must attend."),
    )
    hours_per_day = models.DecimalField(
        _("teaching hours a day"), max_digits=4, decimal_places=2, default=Decimal("6"),
    )
    attendance_earns = models.CharField(
        _("attending every day earns"), max_length=200, default="Attendance Confirmation"
    )
    attendance_minimum_percent = models.PositiveSmallIntegerField(
        _("share of a day that counts as attending it (%)"), default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Late arrivals, early leavers and Zoom reports are measured against this."),
    )
    attendance_completion_months = models.PositiveSmallIntegerField(
        _("months allowed to complete the days"), null=True, blank=True,
        help_text=_("With make-up days in later runs, the whole set must fall within this many "
                    "months. Empty: no limit."),
    )

    # Admission: the prerequisite and the window it must fall in.
    prerequisite = models.ForeignKey(
        "self", verbose_name=_("prerequisite level"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="leads_to",
    )
    prerequisite_within_months = models.PositiveSmallIntegerField(
        _("prerequisite completed within (months)"), null=True, blank=True,
    )
    external_prerequisite_accepted = models.BooleanField(
        _("equivalent training elsewhere accepted, with evidence"), default=False,
    )
    recommended_gap_months = models.PositiveSmallIntegerField(
        _("recommended gap after the prerequisite (months)"), null=True, blank=True,
        help_text=_("Advice shown to applicants, not a requirement."),
    )
    requires_professional_registration = models.BooleanField(
        _("requires registration with a professional body"), default=False,
    )
    accepted_bodies = models.ManyToManyField(
        "accounts.ProfessionalBody", verbose_name=_("accepted professional bodies"), blank=True,
        related_name="levels",
        help_text=_("The bodies whose registration admits a person, such as HCPC, UKCP, BACP, "
                    "NMC, GMC. Bodies are added in People: professional bodies."),
    )
    covering_letter_accepted = models.BooleanField(
        _("a covering letter may stand in for registration"), default=False,
        help_text=_("The coordinator reviews such applications by hand."),
    )
    requires_approved_application = models.BooleanField(
        _("booking needs an approved application"), default=False,
    )
    approves_automatically = models.BooleanField(
        _("approve automatically when our records meet every requirement"), default=False,
        help_text=_("Our own Attendance Confirmation within the window and a registration number "
                    "in its body's format: approved at once. Anything else waits for the "
                    "coordinator."),
    )
    entry_requirements = models.TextField(_("entry requirements"), blank=True)

    # Supervision terms.
    supervision_hours = models.PositiveSmallIntegerField(_("supervision hours offered"), default=0)
    supervision_session_hours = models.PositiveSmallIntegerField(
        _("hours a supervision session"), default=2, validators=[MinValueValidator(1)]
    )
    supervision_interval_months = models.PositiveSmallIntegerField(
        _("months between supervision sessions"), default=2, validators=[MinValueValidator(1)]
    )
    supervision_starts_weeks_after = models.PositiveSmallIntegerField(
        _("supervision starts (weeks after the last day)"), default=4
    )
    supervision_terms = models.TextField(_("supervision terms"), blank=True)

    # Coursework terms.
    coursework_due_months = models.PositiveSmallIntegerField(
        _("coursework due within (months of the last day)"), null=True, blank=True,
    )
    coursework_terms = models.TextField(_("coursework terms"), blank=True)
    assessment_fee = models.ForeignKey(
        "Fee", verbose_name=_("assessment fee"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    coursework_word_tolerance_percent = models.PositiveSmallIntegerField(
        _("word count tolerance (%, either side, inclusive)"), default=10,
        validators=[MaxValueValidator(100)],
    )
    coursework_anonymous_marking = models.BooleanField(
        _("anonymous marking"), default=False,
        help_text=_("The assessor sees a candidate number, not the name."),
    )
    coursework_resubmission_weeks = models.PositiveSmallIntegerField(
        _("weeks to resubmit referred parts"), default=12, validators=[MinValueValidator(1)],
    )
    resubmission_fee = models.ForeignKey(
        "Fee", verbose_name=_("resubmission fee"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Leave empty: a resubmission is not charged again."),
    )

    class Meta:
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="unique_level_slug"),
            models.CheckConstraint(
                condition=~Q(prerequisite=models.F("id")), name="level_not_its_own_prerequisite"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.accreditation})" if self.accreditation else self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:level", args=[self.programme.slug, self.slug])

    @property
    def supervision_sessions(self) -> int:
        if not self.supervision_hours:
            return 0
        return -(-self.supervision_hours // self.supervision_session_hours)

    def accepted_body_labels(self) -> list[str]:
        """The accepted bodies' names in the bodies' order (prefetch `accepted_bodies`)."""
        return [body.name for body in self.accepted_bodies.all()]

    def contents_list(self) -> list[str]:
        return [line.strip(" •-") for line in self.contents.splitlines() if line.strip(" •-")]


class ComponentKind(models.TextChoices):
    WRITTEN = "written", _("Written: uploaded or written in the page")
    READING = "reading", _("Reading: a list the participant confirms")


class CourseworkComponent(models.Model):
    """One part of a level's coursework: '2 x 2000 word case studies', 'A reflective log',
    'Required reading' (a list the participant confirms having read)."""

    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="coursework")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=ComponentKind.choices,
                            default=ComponentKind.WRITTEN)
    guidance = models.TextField(_("guidance"), blank=True)
    reading_list = models.TextField(_("reading list"), blank=True,
                                    help_text=_("One title a line (reading only)."))
    quantity = models.PositiveSmallIntegerField(_("how many"), default=1,
                                                validators=[MinValueValidator(1)])
    words = models.PositiveIntegerField(_("words each"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["level", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="written") | Q(quantity=1, words__isnull=True),
                name="reading_is_one_list_without_words",
            ),
        ]

    def __str__(self) -> str:
        words = f" of {self.words} words" if self.words else ""
        return f"{self.quantity} × {self.title}{words}" if self.quantity > 1 else f"{self.title}{words}"

    def reading_titles(self) -> list[str]:
        """The reading list, a title a line, without blank lines."""
        return [line.strip() for line in self.reading_list.splitlines() if line.strip()]


class VatCategory(models.TextChoices):
    STANDARD = "standard", _("Standard rate")
    REDUCED = "reduced", _("Reduced rate")
    ZERO = "zero", _("Zero rate")
    EXEMPT = "exempt", _("Exempt")


class VatRate(models.Model):
    """The percentage of a VAT category from a date on; rates change by adding a row."""

    category = models.CharField(_("category"), max_length=10, choices=VatCategory.choices)
    percent = models.DecimalField(
        _("rate (%)"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    valid_from = models.DateField(_("applies from"))

    class Meta:
        ordering = ["category", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["category", "valid_from"], name="unique_vat_rate_start"),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100), name="vat_rate_0_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.percent}% from {self.valid_from:%d %b %Y}"


class VatTable:
    """Every VAT rate, read once; `rate(category, on)` answers without another query."""

    def __init__(self, rates: Iterable[VatRate]) -> None:
        self._rates = sorted(rates, key=lambda r: r.valid_from, reverse=True)

    @classmethod
    def load(cls) -> VatTable:
        return cls(VatRate.objects.all())

    def rate(self, category: str, on: dt.date) -> Decimal:
        for rate in self._rates:
            if rate.category == category and rate.valid_from <= on:
                return rate.percent
        if category in (VatCategory.ZERO, VatCategory.EXEMPT):
            return Decimal(0)
        raise LookupError(f"No {category} VAT rate applies on {on}")


class Fee(models.Model):
    """A charge that is not a booking: the assessment fee, charged on submitting coursework."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="fees")
    name = models.CharField(_("name"), max_length=200)
    gross_amount = models.DecimalField(
        _("amount including VAT"), max_digits=9, decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_PRICE)],
    )
    vat_category = models.CharField(
        _("VAT"), max_length=10, choices=VatCategory.choices, default=VatCategory.STANDARD
    )
    charged_when = models.CharField(
        _("charged when"), max_length=300, blank=True,
        help_text=_("e.g. Only when a participant submits coursework"),
    )

    class Meta:
        ordering = ["programme", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(gross_amount__gte=0) & Q(gross_amount__lte=MAX_PRICE),
                name="fee_amount_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def price(self, vat: VatTable, on: dt.date) -> TaxedAmount:
        return TaxedAmount.from_gross(self.gross_amount, vat.rate(self.vat_category, on))


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class Delivery(models.TextChoices):
    ONLINE = "online", _("Online")
    VENUE = "venue", _("At a venue")


class CourseRunQuerySet(models.QuerySet["CourseRun"]):
    def published(self) -> CourseRunQuerySet:
        return self.filter(status=RunStatus.PUBLISHED)

    def with_dates(self) -> CourseRunQuerySet:
        """Each run's first and last day and number of days, in the same query."""
        return self.annotate(
            first_date=Min("days__date"), last_date=Max("days__date"), day_count=Count("days")
        )


class BookingState(models.TextChoices):
    """Where a run stands for booking. `refusal` is what someone trying to book is told."""

    OPEN = "open", _("Booking open")
    CANCELLED = "cancelled", _("This run has been cancelled and cannot be booked.")
    FINISHED = "finished", _("This run has finished.")
    DRAFT = "draft", _("This run is not open for booking.")
    STARTED = "started", _("This run has already started, so it can no longer be booked.")
    NOT_YET_OPEN = "not_yet_open", _("Booking for this run has not opened yet.")
    CLOSED = "closed", _("Booking for this run has closed.")

    @property
    def refusal(self) -> str:
        return str(self.label)


class CourseRun(models.Model):
    """One delivery of a level: its days, where it happens, its seats and its prices."""

    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="runs")
    title = models.CharField(_("title"), max_length=200, help_text=_("e.g. Summer 2022"))
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT,
        db_index=True,
    )
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.ONLINE
    )
    platform = models.CharField(_("online platform"), max_length=100, blank=True,
                                help_text=_("e.g. Zoom"))
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.TextField(_("venue address"), blank=True)
    joining_link = models.URLField(
        _("joining link"), max_length=500, blank=True,
        help_text=_("Shown only to participants with a confirmed booking."),
    )
    capacity = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    booking_opens_at = models.DateTimeField(_("booking opens"), null=True, blank=True)
    booking_closes_at = models.DateTimeField(_("booking closes"))
    time_zone = models.CharField(_("time zone"), max_length=64, default=UK,
                                 validators=[validate_zone])
    notes = models.TextField(_("notes for participants"), blank=True)
    trainers = models.ManyToManyField(
        "accounts.User", verbose_name=_("trainers"), blank=True, related_name="runs_as_trainer",
        help_text=_("They keep the run's attendance registers."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CourseRunQuerySet.as_manager()

    class Meta:
        ordering = ["level", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="run_has_places"),
            models.CheckConstraint(
                condition=Q(booking_opens_at__isnull=True)
                | Q(booking_opens_at__lt=models.F("booking_closes_at")),
                name="run_booking_opens_before_it_closes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level.name}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:run", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == RunStatus.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.status == RunStatus.CANCELLED

    def booking_state(self, now: dt.datetime) -> BookingState:
        """Whether the run can be booked at `now`, and if not, why: the one home of the rule
        that the run page, the booking page and the booking service all ask."""
        if self.is_cancelled:
            return BookingState.CANCELLED
        days = sorted(self.days.all(), key=lambda day: day.number)  # prefetched by the callers
        if days and now >= days[-1].finishes_at:
            return BookingState.FINISHED
        if not self.is_published:
            return BookingState.DRAFT
        if days and now >= days[0].starts_at:
            return BookingState.STARTED
        if self.booking_opens_at and now < self.booking_opens_at:
            return BookingState.NOT_YET_OPEN
        if now >= self.booking_closes_at:
            return BookingState.CLOSED
        return BookingState.OPEN

    def booking_is_open(self, now: dt.datetime) -> bool:
        return self.booking_state(now) == BookingState.OPEN

    def refusal_to_book(self, now: dt.datetime) -> str | None:
        """What a person trying to book at `now` is told; None when the run can be booked."""
        state = self.booking_state(now)
        return None if state == BookingState.OPEN else str(state.refusal)

    def first_day(self) -> TrainingDay | None:
        """The lowest-numbered day, from the prefetched days when the query fetched them."""
        return min(self.days.all(), key=lambda day: day.number, default=None)

    def has_started(self, now: dt.datetime) -> bool:
        """Whether Day 1 has begun: from then on the run can no longer be booked or joined."""
        first = self.first_day()
        return first is not None and now >= first.starts_at

    @property
    def where(self) -> str:
        if self.delivery == Delivery.ONLINE:
            return f"Online via {self.platform}" if self.platform else "Online"
        return self.venue_name or "At a venue"


class TrainingDay(models.Model):
    """One day of a run, as wall-clock times in the run's zone.

    Times are kept as the provider states them ("9am for 9.30am start, finish 4.30pm") and
    turned into instants with the run's zone when shown or compared, so a day in British Summer
    Time stays at 9:30 UK time whatever the offset.
    """

    run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="days")
    number = models.PositiveSmallIntegerField(_("day"), validators=[MinValueValidator(1)])
    date = models.DateField(_("date"))
    arrival_time = models.TimeField(_("arrival"), null=True, blank=True)
    start_time = models.TimeField(_("start"))
    finish_time = models.TimeField(_("finish"))
    break_minutes = models.PositiveSmallIntegerField(
        _("breaks (minutes)"), default=60, validators=[MaxValueValidator(600)]
    )
    break_description = models.CharField(_("breaks"), max_length=200, blank=True,
                                         default="1 hour lunch break")

    class Meta:
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="unique_day_number"),
            models.UniqueConstraint(fields=["run", "date"], name="one_day_a_date"),
            models.CheckConstraint(condition=Q(start_time__lt=models.F("finish_time")),
                                   name="day_starts_before_it_finishes"),
            models.CheckConstraint(
                condition=Q(arrival_time__isnull=True) | Q(arrival_time__lte=models.F("start_time")),
                name="day_arrival_not_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Day {self.number}, {self.date:%d %B %Y}"

    @property
    def starts_at(self) -> dt.datetime:
        return aware(self.date, self.start_time, self.run.time_zone)

    @property
    def finishes_at(self) -> dt.datetime:
        return aware(self.date, self.finish_time, self.run.time_zone)

    @property
    def arrives_at(self) -> dt.datetime | None:
        if self.arrival_time is None:
            return None
        return aware(self.date, self.arrival_time, self.run.time_zone)

    @property
    def teaching_minutes(self) -> int:
        """Its teaching, less breaks (`rules.teaching_minutes`): 360 for 9.30am to 4.30pm with
        a 1 hour lunch break."""
        return rules.teaching_minutes(self.start_time, self.finish_time, self.break_minutes)


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    MEMBERS = "members", _("Members only")


class PriceOption(models.Model):
    """What a participant may choose when booking a run, with its net price and VAT."""

    run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(_("name"), max_length=200)
    description = models.CharField(_("description"), max_length=300, blank=True)
    net_amount = models.DecimalField(
        _("net price"), max_digits=9, decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_PRICE)],
    )
    vat_category = models.CharField(
        _("VAT"), max_length=10, choices=VatCategory.choices, default=VatCategory.STANDARD
    )
    supervision_hours = models.PositiveSmallIntegerField(
        _("hours of group supervision included"), default=0, validators=[MaxValueValidator(500)]
    )
    audience = models.CharField(
        _("who may choose it"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE
    )
    available_until = models.DateField(
        _("available until"), null=True, blank=True,
        help_text=_("For early rates: the last day it may be chosen."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        ordering = ["run", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(net_amount__gte=0) & Q(net_amount__lte=MAX_PRICE),
                name="option_price_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def price(self, vat: VatTable, on: dt.date) -> TaxedAmount:
        return TaxedAmount.from_net(self.net_amount, vat.rate(self.vat_category, on))

    def available_on(self, on: dt.date) -> bool:
        return self.available_until is None or on <= self.available_until

    def open_to(self, user: object) -> bool:
        if self.audience == Audience.MEMBERS:
            return bool(getattr(user, "is_member", False))
        return True
