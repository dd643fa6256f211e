"""Invoices and credit notes for any customer (a person or an organisation), their gapless
numbers, the payments and refunds recorded against them, and how the provider asks to be paid.

This app knows nothing of what it invoices: a booking, the assessment fee or a cancellation
charge are lines of text with a taxed amount. Apps above it keep their own link to the invoices
they caused (a booking's `invoices`). Rows change only through `invoicing.services`; an issued
document never changes (a correction is a credit note).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Case, DecimalField, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trainingdesk.accounts.models import Organisation
from trainingdesk.catalogue.models import Provider
from trainingdesk.lib.money import format_gbp


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("VAT invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class NumberSeries(models.Model):
    """A gapless sequence of document numbers. The next number is taken in the transaction
    that issues the document, under a row lock: a rollback gives the number back."""

    code = models.CharField(max_length=10, unique=True)
    prefix = models.CharField(max_length=10)
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = _("number series")

    def __str__(self) -> str:
        return self.code


class PaymentDetails(models.Model):
    """How the provider asks to be paid, printed on every invoice it issues from now on."""

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE,
                                    related_name="payment_details")
    account_name = models.CharField(_("account name"), max_length=100)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    sort_code = models.CharField(_("sort code"), max_length=8, blank=True,
                                 help_text=_("Like 20-00-00."))
    account_number = models.CharField(_("account number"), max_length=8, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True,
                            help_text=_("For payments from outside the UK."))
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    reference_instruction = models.CharField(
        _("what to quote"), max_length=200,
        default="Quote the invoice number {number} as the payment reference.",
        help_text=_("{number} is replaced by the invoice's number."),
    )

    class Meta:
        verbose_name = _("payment details")
        verbose_name_plural = _("payment details")

    def __str__(self) -> str:
        return str(self.provider)

    def how_to_pay(self, number: str) -> str:
        """The lines an invoice prints under "How to pay"."""
        lines = [f"Bank transfer to {self.account_name}"
                 + (f", {self.bank_name}" if self.bank_name else "")]
        if self.sort_code or self.account_number:
            lines.append(f"Sort code {self.sort_code}, account number {self.account_number}")
        if self.iban:
            lines.append(f"IBAN {self.iban}" + (f", BIC {self.bic}" if self.bic else ""))
        lines.append(self.reference_instruction.replace("{number}", number))
        return "\n".join(lines)


_ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=12, decimal_places=2))


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def invoices(self) -> InvoiceQuerySet:
        return self.filter(kind=DocumentKind.INVOICE)

    def not_credited(self) -> InvoiceQuerySet:
        """Invoices that no credit note has cancelled yet."""
        return self.filter(kind=DocumentKind.INVOICE, credit_notes__isnull=True)

    def with_balance(self) -> InvoiceQuerySet:
        """Each invoice with `credited` (its credit notes), `paid` (payments less refunds) and
        `balance` (still owed on it; negative when money is due back). A credit note's own
        figures are zero: its amount shows as the invoice's `credited`."""
        credited = (Invoice.objects.filter(credits=OuterRef("pk")).order_by().values("credits")
                    .annotate(total=Sum("total_gross")).values("total"))
        paid = (Payment.objects.filter(invoice=OuterRef("pk")).order_by().values("invoice")
                .annotate(total=Sum(Case(When(kind=PaymentKind.REFUND, then=-F("amount")),
                                         default=F("amount")))).values("total"))
        return self.annotate(
            credited=Coalesce(Subquery(credited), _ZERO), paid=Coalesce(Subquery(paid), _ZERO),
        ).annotate(balance=Case(
            When(kind=DocumentKind.INVOICE, then=F("total_gross") - F("credited") - F("paid")),
            default=_ZERO,
        ))


class Invoice(models.Model):
    """A full VAT invoice or a credit note, immutable once issued. Every field HMRC requires of
    a full VAT invoice is copied onto it; the customer is a person or an organisation."""

    kind = models.CharField(max_length=12, choices=DocumentKind.choices, default=DocumentKind.INVOICE)
    number = models.CharField(_("number"), max_length=20, unique=True)
    credits = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="credit_notes",
                                help_text=_("For a credit note: the invoice it credits."))
    issued_at = models.DateTimeField(_("date of issue"))
    tax_point = models.DateField(_("tax point"))
    supplier_name = models.CharField(max_length=200)
    supplier_address = models.TextField()
    supplier_vat_number = models.CharField(max_length=20)
    # Who owes the money: an organisation (an employer paying), else a person.
    customer_person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="invoices")
    customer_organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                              on_delete=models.PROTECT, related_name="invoices")
    customer_name = models.CharField(max_length=200)
    customer_address = models.TextField()
    customer_email = models.EmailField()
    # The person the invoice is about (a booking's participant), who may download it even
    # when their employer is the customer.
    participant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    participant_name = models.CharField(max_length=200, blank=True)
    purchase_order = models.CharField(max_length=50, blank=True)
    payment_terms = models.CharField(max_length=200, blank=True)
    how_to_pay = models.TextField(_("how to pay"), blank=True)
    due_date = models.DateField(null=True, blank=True)
    total_net = models.DecimalField(max_digits=10, decimal_places=2)
    total_vat = models.DecimalField(max_digits=10, decimal_places=2)
    total_gross = models.DecimalField(max_digits=10, decimal_places=2)
    note = models.TextField(blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total_gross=models.F("total_net") + models.F("total_vat")),
                                   name="invoice_net_plus_vat_is_gross"),
            models.CheckConstraint(
                condition=Q(kind=DocumentKind.INVOICE, credits__isnull=True)
                | Q(kind=DocumentKind.CREDIT_NOTE, credits__isnull=False),
                name="a_credit_note_credits_an_invoice",
            ),
            models.CheckConstraint(
                condition=Q(customer_person__isnull=False, customer_organisation__isnull=True)
                | Q(customer_person__isnull=True, customer_organisation__isnull=False),
                name="an_invoice_has_one_customer",
            ),
            # A credit note credits the whole of an invoice, so an invoice has one at most.
            models.UniqueConstraint(fields=["credits"], condition=Q(kind=DocumentKind.CREDIT_NOTE),
                                    name="one_credit_note_per_invoice"),
        ]

    def __str__(self) -> str:
        return self.number

    def may_be_seen_by(self, user: object) -> bool:
        """The customer, the participant it is about, and the coordinator."""
        user_id = getattr(user, "pk", None)
        return bool(getattr(user, "is_coordinator", False)) or (
            user_id is not None and user_id in (self.customer_person_id, self.participant_id))

    @property
    def is_credit_note(self) -> bool:
        return self.kind == DocumentKind.CREDIT_NOTE

    @property
    def signed_gross(self) -> Decimal:
        """What this document adds to the amount owed: a credit note takes away."""
        return -self.total_gross if self.is_credit_note else self.total_gross


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField(default=1)
    description = models.TextField()
    quantity = models.PositiveIntegerField(default=1)
    unit_net = models.DecimalField(max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    net = models.DecimalField(max_digits=10, decimal_places=2)
    vat = models.DecimalField(max_digits=10, decimal_places=2)
    gross = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(gross=models.F("net") + models.F("vat")),
                                   name="line_net_plus_vat_is_gross"),
        ]

    def __str__(self) -> str:
        return self.description


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", _("Payment received")
    REFUND = "refund", _("Refund paid out")


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CARD = "card", _("Card")
    CHEQUE = "cheque", _("Cheque")
    OTHER = "other", _("Other")


class Payment(models.Model):
    """Money received against an invoice, or refunded against it. The amount is always
    positive; `kind` says which way it went. Part-payments are several rows."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("payment or refund"), max_length=10, choices=PaymentKind.choices,
                            default=PaymentKind.PAYMENT)
    received_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.describe()}"

    @property
    def is_refund(self) -> bool:
        return self.kind == PaymentKind.REFUND

    @property
    def signed_amount(self) -> Decimal:
        """What this adds to the money held: a refund takes away."""
        return -self.amount if self.is_refund else self.amount

    def describe(self) -> str:
        """"Payment of £792.00" or "Refund of £900.00": never a minus sign."""
        what = _("Refund of") if self.is_refund else _("Payment of")
        return f"{what} {format_gbp(self.amount, pence=True)}"
