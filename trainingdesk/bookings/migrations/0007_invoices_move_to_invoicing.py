"""Invoices, credit notes, their lines, payments and the number series move to the invoicing
app, which invoices any customer. Every row is copied with its id (so numbers, links in emails
and audit entries stay right), a booking keeps a link to each document it caused, and payments
become positive amounts with a kind (a refund was a negative amount with method "refund").
Then the old tables go."""

import django.db.models.deletion
from django.core.management.color import no_style
from django.db import migrations, models

INVOICE_FIELDS = (
    "id", "kind", "number", "credits_id", "issued_at", "tax_point", "supplier_name",
    "supplier_address", "supplier_vat_number", "customer_name", "customer_address",
    "customer_email", "participant_name", "purchase_order", "payment_terms", "due_date",
    "total_net", "total_vat", "total_gross", "note",
)
LINE_FIELDS = ("id", "invoice_id", "position", "description", "quantity", "unit_net", "vat_rate",
               "net", "vat", "gross")


def copy_to_invoicing(apps, schema_editor):
    old = {name: apps.get_model("bookings", name)
           for name in ("Invoice", "InvoiceLine", "Payment", "NumberSeries")}
    new = {name: apps.get_model("invoicing", name)
           for name in ("Invoice", "InvoiceLine", "Payment", "NumberSeries")}
    Booking = apps.get_model("bookings", "Booking")
    BookingInvoice = apps.get_model("bookings", "BookingInvoice")
    for series in old["NumberSeries"].objects.all():
        new["NumberSeries"].objects.update_or_create(
            code=series.code, defaults={"prefix": series.prefix, "next_number": series.next_number})
    for code in ("INV", "CN"):
        new["NumberSeries"].objects.get_or_create(code=code, defaults={"prefix": f"{code}-"})
    # An employer named at booking becomes an organisation (it never did before), so that the
    # employer is the customer of its invoices and appears in the list of employers.
    Organisation = apps.get_model("accounts", "Organisation")
    organisations = {o.name.casefold(): o for o in Organisation.objects.order_by("-pk")}
    for booking in Booking.objects.filter(payer="employer", organisation__isnull=True):
        name = " ".join(booking.billing_name.split())
        organisation = organisations.get(name.casefold())
        if organisation is None:
            organisation = organisations[name.casefold()] = Organisation.objects.create(
                name=name, billing_address=booking.billing_address,
                postcode=booking.billing_postcode, invoice_email=booking.invoice_email)
        booking.organisation = organisation
        booking.save(update_fields=["organisation"])
    bookings = {b.pk: b for b in Booking.objects.all()}
    invoices = list(old["Invoice"].objects.order_by("credits_id", "id"))  # invoices before credits
    copied = []
    for invoice in invoices:
        booking = bookings.get(invoice.booking_id)
        employer = booking.organisation_id if booking and booking.payer == "employer" else None
        values = {f: getattr(invoice, f) for f in INVOICE_FIELDS}
        copied.append(new["Invoice"](
            **values,
            customer_organisation_id=employer,
            customer_person_id=None if employer else (booking.participant_id if booking else None),
            participant_id=booking.participant_id if booking else None,
        ))
    copied.sort(key=lambda i: (i.credits_id is not None, i.pk))
    new["Invoice"].objects.bulk_create(copied)
    new["InvoiceLine"].objects.bulk_create(
        new["InvoiceLine"](**{f: getattr(line, f) for f in LINE_FIELDS})
        for line in old["InvoiceLine"].objects.all())
    BookingInvoice.objects.bulk_create(
        BookingInvoice(booking_id=i.booking_id, invoice_id=i.pk) for i in invoices if i.booking_id)
    first_invoice = {}
    for invoice in sorted(invoices, key=lambda i: i.pk):
        if invoice.kind == "invoice" and invoice.booking_id:
            first_invoice.setdefault(invoice.booking_id, invoice.pk)
    payments = []
    for payment in old["Payment"].objects.all():
        invoice_id = payment.invoice_id or first_invoice.get(payment.booking_id)
        if invoice_id is None:
            raise RuntimeError(f"Payment {payment.pk} of booking {payment.booking_id} has no invoice "
                               "to go with: give the booking an invoice, then migrate again.")
        refund = payment.amount < 0 or payment.method == "refund"
        payments.append(new["Payment"](
            id=payment.pk, invoice_id=invoice_id, kind="refund" if refund else "payment",
            amount=abs(payment.amount), received_on=payment.received_on,
            method="other" if payment.method == "refund" else payment.method,
            reference=payment.reference, recorded_by_id=payment.recorded_by_id,
            recorded_at=payment.recorded_at,
        ))
    new["Payment"].objects.bulk_create(payments)
    # Rows were written with their ids: move PostgreSQL's sequences past them.
    sql = schema_editor.connection.ops.sequence_reset_sql(
        no_style(), [new["Invoice"], new["InvoiceLine"], new["Payment"]])
    with schema_editor.connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0006_booking_terms_accepted_at'),
        ('invoicing', '0001_initial'),
        ('accounts', '0002_names_refuse_bidi_controls'),
    ]

    operations = [
        migrations.CreateModel(
            name='BookingInvoice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('booking', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='bookings.booking')),
                ('invoice', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='invoicing.invoice')),
            ],
            options={
                'verbose_name': "booking's invoice",
            },
        ),
        migrations.RunPython(copy_to_invoicing),  # one way: the old tables go below
        migrations.DeleteModel(name='Payment'),
        migrations.DeleteModel(name='InvoiceLine'),
        migrations.DeleteModel(name='Invoice'),
        migrations.DeleteModel(name='NumberSeries'),
        migrations.AddField(
            model_name='booking',
            name='invoices',
            field=models.ManyToManyField(blank=True, related_name='bookings', through='bookings.BookingInvoice', to='invoicing.invoice'),
        ),
    ]
