"""Bookings, the waitlist, discount codes and cancellation terms. A booking's invoices, credit
notes and payments are kept by `invoicing`; a booking links to the documents it caused.

Rows here change only through `bookings.services`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trainingdesk.accounts.models import Organisation
from trainingdesk.catalogue.models import MAX_PRICE, CourseRun, PriceOption, Provider
from trainingdesk.invoicing.models import DocumentKind, Invoice, Payment, PaymentKind
from trainingdesk.lib.money import TaxedAmount
from trainingdesk.lib.text import refuse_bidi_controls


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    OFFERED = "offered", _("Place offered")  # a waitlisted person holds a seat until it expires
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")
    LEFT_WAITLIST = "left_waitlist", _("Left the waitlist")


# Statuses that hold one of the run's seats, and statuses that are still alive.
SEAT_HOLDING = (BookingStatus.CONFIRMED, BookingStatus.OFFERED)
ACTIVE = (BookingStatus.CONFIRMED, BookingStatus.OFFERED, BookingStatus.WAITLISTED)


class Payer(models.TextChoices):
    SELF = "self", _("I am paying myself")
    EMPLOYER = "employer", _("My employer is paying")


class BookingQuerySet(models.QuerySet["Booking"]):
    def holding_seats(self) -> BookingQuerySet:
        return self.filter(status__in=SEAT_HOLDING)

    def active(self) -> BookingQuerySet:
        return self.filter(status__in=ACTIVE)

    def expired_offers(self, now: dt.datetime) -> BookingQuerySet:
        """Offers of a place whose time is up (see `Booking.offer_has_expired`)."""
        return self.filter(status=BookingStatus.OFFERED, offer_expires_at__lte=now)

    def waitlist(self) -> BookingQuerySet:
        """Who is waiting, first in line first."""
        return self.filter(status=BookingStatus.WAITLISTED).order_by("waitlisted_at", "id")

    def for_participant(self, user: object) -> BookingQuerySet:
        return self.filter(participant=user)

    def with_waitlist_position(self) -> BookingQuerySet:
        """Each booking with `waitlist_position`: its number in line on its run's waitlist
        (joined first, then id), counting the whole line; None when it is not waiting."""
        ahead = (
            Booking.objects.filter(run=OuterRef("run"), status=BookingStatus.WAITLISTED)
            .filter(Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
                    | Q(waitlisted_at=OuterRef("waitlisted_at"), id__lte=OuterRef("id")))
            .order_by().values("run").annotate(n=Count("id")).values("n")
        )
        return self.annotate(waitlist_position=Case(
            When(status=BookingStatus.WAITLISTED, then=Subquery(ahead, output_field=IntegerField())),
            default=None, output_field=IntegerField(),
        ))

    def with_balance(self) -> BookingQuerySet:
        """Each booking with `invoiced` (invoices less credit notes), `paid` and `balance`
        (still owed; negative when money is due back), in the same query."""
        zero = Value(Decimal(0), output_field=DecimalField(max_digits=12, decimal_places=2))
        documents = (
            Invoice.objects.filter(bookings=OuterRef("pk")).order_by().values("bookings")
            .annotate(total=Sum(Case(
                When(kind=DocumentKind.CREDIT_NOTE, then=-F("total_gross")),
                default=F("total_gross"),
            )))
            .values("total")
        )
        paid = (
            Payment.objects.filter(invoice__bookings=OuterRef("pk")).order_by()
            .values("invoice__bookings")
            .annotate(total=Sum(Case(When(kind=PaymentKind.REFUND, then=-F("amount")),
                                     default=F("amount"))))
            .values("total")
        )
        return self.annotate(
            invoiced=Coalesce(Subquery(documents), zero), paid=Coalesce(Subquery(paid), zero)
        ).annotate(balance=F("invoiced") - F("paid"))


class Booking(models.Model):
    """A participant's place (or place in line) on a run, with the price as it was chosen."""

    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    run = models.ForeignKey(CourseRun, on_delete=models.PROTECT, related_name="bookings")
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    option = models.ForeignKey(PriceOption, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(_("status"), max_length=15, choices=BookingStatus.choices,
                              db_index=True)

    # The price as chosen, copied so that a later price change alters nothing here.
    option_name = models.CharField(_("option"), max_length=200)
    supervision_hours = models.PositiveSmallIntegerField(_("supervision hours"), default=0)
    unit_net = models.DecimalField(_("net price"), max_digits=9, decimal_places=2)
    discount_code = models.ForeignKey(
        "DiscountCode", null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    discount_net = models.DecimalField(_("discount"), max_digits=9, decimal_places=2,
                                       default=Decimal(0))
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    net = models.DecimalField(_("net"), max_digits=9, decimal_places=2)
    vat = models.DecimalField(_("VAT"), max_digits=9, decimal_places=2)
    gross = models.DecimalField(_("total"), max_digits=9, decimal_places=2)

    # Who pays.
    payer = models.CharField(_("who pays"), max_length=10, choices=Payer.choices,
                             default=Payer.SELF)
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="bookings")
    billing_name = models.CharField(_("invoice to"), max_length=200, validators=[refuse_bidi_controls])
    # When the person accepted the cancellation terms shown on the booking form.
    terms_accepted_at = models.DateTimeField(_("cancellation terms accepted"), null=True, blank=True)
    billing_address = models.TextField(_("billing address"))
    billing_postcode = models.CharField(_("postcode"), max_length=12, blank=True)
    invoice_email = models.EmailField(_("invoice email"))
    purchase_order = models.CharField(_("purchase-order number"), max_length=50, blank=True)

    created_at = models.DateTimeField(_("booked"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("joined the waitlist"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    # The last change of any kind (an integration's "what changed since my last sync"). `save`
    # keeps it, also when told which fields to update; a queryset's update() must set it.
    updated_at = models.DateTimeField(_("last changed"), auto_now=True, db_index=True)
    # The form's one-time token: a second submission of the same form finds this booking.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    invoices = models.ManyToManyField(Invoice, through="BookingInvoice", related_name="bookings",
                                      blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live booking (or place in line) per person per run.
            models.UniqueConstraint(
                fields=["run", "participant"], condition=Q(status__in=ACTIVE),
                name="one_active_booking_per_run",
            ),
            models.CheckConstraint(condition=Q(net__gte=0) & Q(vat__gte=0),
                                   name="booking_amounts_not_negative"),
            models.CheckConstraint(condition=Q(gross=models.F("net") + models.F("vat")),
                                   name="booking_net_plus_vat_is_gross"),
            models.CheckConstraint(
                condition=~Q(status=BookingStatus.OFFERED) | Q(offer_expires_at__isnull=False),
                name="an_offer_has_an_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.run}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("update_fields"):  # an empty list still saves nothing
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("bookings:detail", args=[self.reference])

    @property
    def price(self) -> TaxedAmount:
        return TaxedAmount(net=self.net, vat=self.vat, gross=self.gross,
                           rate_percent=self.vat_rate)

    def offer_has_expired(self, now: dt.datetime) -> bool:
        """An offer of a place may be taken until the moment it expires, not at that moment."""
        return (self.status == BookingStatus.OFFERED and self.offer_expires_at is not None
                and now >= self.offer_expires_at)

    def offer_is_open(self, now: dt.datetime) -> bool:
        return self.status == BookingStatus.OFFERED and not self.offer_has_expired(now)

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING

    @property
    def is_confirmed(self) -> bool:
        return self.status == BookingStatus.CONFIRMED


def new_reference() -> str:
    """A short booking reference people can read out: 'B' and 8 letters and digits."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I
    return "B" + "".join(alphabet[b % len(alphabet)] for b in uuid.uuid4().bytes[:8])


class DiscountCode(models.Model):
    """A code that takes a percentage or an amount off the net price of a booking."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    percent_off = models.DecimalField(
        _("percent off"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    amount_off = models.DecimalField(
        _("amount off (net)"), max_digits=9, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_PRICE)],
    )
    level = models.ForeignKey("catalogue.Level", null=True, blank=True,
                              on_delete=models.CASCADE, related_name="+",
                              help_text=_("Empty: any level."))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(_("how many times it may be used"), null=True,
                                           blank=True)
    times_used = models.PositiveIntegerField(_("times used"), default=0, editable=False)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(percent_off__isnull=False) & Q(amount_off__isnull=True))
                | (Q(percent_off__isnull=True) & Q(amount_off__isnull=False)),
                name="discount_is_percent_or_amount",
            ),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(times_used__lte=models.F("max_uses")),
                name="discount_not_overused",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class CancellationTerm(models.Model):
    """A provider's refund by notice: cancelling at least `days_notice` days before the first
    day refunds `refund_percent` of the price. The term with the most notice that applies wins."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE,
                                 related_name="cancellation_terms")
    days_notice = models.PositiveSmallIntegerField(_("days' notice at least"))
    refund_percent = models.DecimalField(
        _("refund (%)"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        ordering = ["provider", "-days_notice"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "days_notice"], name="one_term_per_notice"),
            models.CheckConstraint(condition=Q(refund_percent__gte=0) & Q(refund_percent__lte=100),
                                   name="refund_0_to_100"),
        ]

    def __str__(self) -> str:
        return f"{self.days_notice}+ days' notice: {self.refund_percent}% refund"


class BookingInvoice(models.Model):
    """An invoice or credit note a booking caused: its invoice, credit notes when it is
    cancelled or transferred, and an invoice for a cancellation charge."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="+")
    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("booking's invoice")

    def __str__(self) -> str:
        return str(self.invoice_id)
