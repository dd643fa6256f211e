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
