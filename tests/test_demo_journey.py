"""The demo, end to end through the pages, as the issues' "done when" describe it: the trainer
records the brochure's four days for the demo participant; the participant downloads the
Attendance Confirmation; anyone checks it on its verification page."""

from __future__ import annotations

import io
import re

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from trainingdesk.accounts.models import User
from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.bookings.models import Booking
from trainingdesk.catalogue.models import CourseRun


def test_the_demo_records_four_days_and_the_confirmation_can_be_checked(db):
    call_command("load_demo")
    summer = CourseRun.objects.get(title="Summer 2022")
    alex = User.objects.get(email="participant@example.org")
    booking = Booking.objects.get(run=summer, participant=alex)

    trainer = Client()
    trainer.force_login(User.objects.get(email="trainer@example.org"))
    for day in summer.days.order_by("number"):
        register = trainer.get(reverse("attendance:register", args=[day.pk]))
        assert "Alex Participant" in register.content.decode()
        saved = trainer.post(reverse("attendance:mark", args=[day.pk]),
                             {"booking": booking.pk, "status": "present"})
        assert saved.status_code in (200, 302)

    confirmation = AttendanceConfirmation.objects.get(booking=booking)
    holder = Client()
    holder.force_login(alex)
    mine = holder.get(reverse("attendance:mine")).content.decode()
    pdf_url = reverse("certificates:confirmation_pdf", args=[confirmation.code])
    assert pdf_url in mine
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(holder.get(pdf_url).content)).pages)
    assert "Alex Participant" in text and "NVRA Level 1" in text
    assert re.search(r"21 June 2022.*22 June 2022.*23 June 2022.*15 September 2022", text, re.S)

    public = Client().get(reverse("certificates:verify", args=[confirmation.code])).content.decode()
    assert "Alex Participant" in public and "Valid." in public
    assert "Thursday 15 September 2022" in public


def test_the_demo_s_three_applicants_for_the_advanced_level_behave_as_the_brochure_says(db):
    """Priya (our Foundation confirmation, an HCPC number) was approved by the records and books
    a place; Jordan (a covering letter) waits in the coordinator's queue until approved; Sam
    (Foundation in 2022, more than 2 years before the run) was refused, and is told why."""
    from trainingdesk.admissions.models import Application

    call_command("load_demo")
    run = CourseRun.objects.get(level__slug="advanced")
    book_url = reverse("bookings:book", args=[run.pk])
    people = {email: Client() for email in ("priya@example.org", "jordan@example.org",
                                            "sam@example.org", "coordinator@example.org")}
    for email, client in people.items():
        client.force_login(User.objects.get(email=email))

    priya = people["priya@example.org"]
    page = priya.get(book_url).content.decode()
    assert "Book my place" in page
    option = run.options.order_by("position").last()
    response = priya.post(book_url, {
        "option": option.pk, "payer": "self", "billing_name": "Priya Shah",
        "billing_address": "1 Demo Road\nLeeds", "invoice_email": "priya@example.org",
        "accept_terms": "on", "submission_token": "6f1c3c4e-8c1b-4a83-b1b4-1c6f2d3e4a5b"})
    assert response.status_code == 302
    assert Booking.objects.get(run=run, participant__email="priya@example.org").status == "confirmed"

    jordan = people["jordan@example.org"]
    assert "is waiting for the coordinator" in jordan.get(book_url).content.decode()
    coordinator = people["coordinator@example.org"]
    application = Application.objects.get(participant__email="jordan@example.org")
    assert "Jordan Lee" in coordinator.get(reverse("admissions:queue")).content.decode()
    coordinator.post(reverse("admissions:review", args=[application.reference]),
                     {"decision": "approve", "reason": ""})
    assert "Book my place" in jordan.get(book_url).content.decode()

    sam = people["sam@example.org"]
    refused = Application.objects.get(participant__email="sam@example.org")
    page = sam.get(reverse("admissions:application", args=[refused.reference])).content.decode()
    assert "Not approved" in page and "yours was completed on 15 September 2022" in page
    assert "Book my place" not in sam.get(book_url).content.decode()
