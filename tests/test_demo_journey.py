"""The demo, end to end through the pages, as the issues' "done when" describe it: the trainer
records the brochure's four days for the demo participant; the participant downloads the
Attendance Confirmation; anyone checks it on its verification page. Morgan, who holds both
confirmations, submits the coursework, is invoiced the fee, and is passed by the demo's assessor
and moderator (issue 11)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import segno
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tests.coursework.conftest import docx
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
    run = CourseRun.objects.filter(level__slug="advanced", days__date__gt=dt.date.today()).distinct().get()
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


def test_the_demo_s_coursework_is_passed_and_its_certificate_verifies_three_ways(
        db, django_capture_on_commit_callbacks):
    """Morgan holds both confirmations and has an open portfolio: they upload two case studies
    of 2000 words, write the log, confirm the reading and submit, and are invoiced £300 (£250 +
    £50 VAT); the coordinator allocates the demo's assessor and moderator; the assessor, who sees
    a candidate number and not Morgan's name, passes each part; the moderator agrees. The
    certificate is issued at once, and verifies on the public page, from the QR code on its PDF
    and as an Open Badges 3.0 credential checked with the key the site publishes."""
    from tests.certificates.test_certificate_pdf import _drawn_modules
    from tests.verifier.independent import independent_verify
    from trainingdesk.certificates.models import Certificate
    from trainingdesk.coursework.models import MarkerRole, PortfolioStatus, Submission
    from trainingdesk.lib import credentials
    from trainingdesk.lib.verification import verification_url

    call_command("load_demo")
    morgan = User.objects.get(email="morgan@example.org")
    portfolio = morgan.portfolios.get()
    people = {email: Client() for email in ("morgan@example.org", "coordinator@example.org",
                                            "assessor@example.org", "moderator@example.org")}
    for email, client in people.items():
        client.force_login(User.objects.get(email=email))
    holder = people["morgan@example.org"]

    portfolio_url = reverse("coursework:portfolio", args=[portfolio.pk])
    page = holder.get(portfolio_url).content.decode()
    assert "Not there yet" in page and "days left" in page
    case_study, log, reading = portfolio.level.coursework.order_by("position")
    for number in (1, 2):
        saved = holder.post(reverse("coursework:part", args=[portfolio.pk, case_study.pk, number]),
                            {"file": docx(2000, name=f"case-study-{number}.docx"), "text": ""})
        assert saved.status_code == 302, saved.content.decode()
    saved = holder.post(reverse("coursework:part", args=[portfolio.pk, log.pk, 1]),
                        {"text": "What I learnt from the families I worked with this year. " * 40})
    assert saved.status_code == 302
    saved = holder.post(reverse("coursework:part", args=[portfolio.pk, reading.pk, 1]),
                        {"confirmed": "on"})
    assert saved.status_code == 302
    page = holder.get(portfolio_url).content.decode()
    assert "case-study-1.docx" in page and "case-study-2.docx" in page and "Not there yet" not in page

    submit_url = reverse("coursework:submit", args=[portfolio.pk])
    page = holder.get(submit_url).content.decode()
    assert "The Evaluation and assessment fee, £300 including VAT, is invoiced when you submit" in page
    assert "not there yet" not in page
    assert holder.post(submit_url, {"declaration": "on"}).status_code == 302
    submission = Submission.objects.get(portfolio=portfolio)
    invoice = submission.invoice
    assert invoice is not None
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (
        Decimal("250.00"), Decimal("50.00"), Decimal("300.00"))
    assert (invoice.customer_name, invoice.customer_email) == ("Morgan Reyes", "morgan@example.org")
    pdf = holder.get(reverse("invoicing:pdf", args=[invoice.number]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert invoice.number in text and "300.00" in text and "Morgan Reyes" in text
    assert reverse("invoicing:pdf", args=[invoice.number]) in holder.get(portfolio_url).content.decode()

    coordinator = people["coordinator@example.org"]
    assessor, moderator = (User.objects.get(email=e) for e in ("assessor@example.org",
                                                                "moderator@example.org"))
    allocate_url = reverse("coursework:allocate", args=[submission.pk])
    allocating = coordinator.get(allocate_url).content.decode()
    assert "Demo Assessor" in allocating and "Demo Moderator" in allocating
    allocated = coordinator.post(allocate_url, {"assessor": assessor.pk, "moderator": moderator.pk})
    assert allocated.status_code == 302, allocated.content.decode()

    pieces = list(submission.pieces.all())
    assert [piece.title for piece in pieces] == ["Case study 1", "Case study 2", "Reflective log",
                                                 "Required reading"]
    passed = {"outcome": "pass", "feedback": "A thoughtful portfolio.",
              **{f"part_{piece.pk}": "pass" for piece in pieces}}
    mark_url = reverse("coursework:mark", args=[submission.pk])
    for email in ("assessor@example.org", "moderator@example.org"):
        marker = people[email]
        listed = marker.get(reverse("coursework:marking")).content.decode()
        marking = marker.get(mark_url).content.decode()
        for seen in (listed, marking):
            assert portfolio.candidate_number in seen
            assert "Morgan" not in seen and "Reyes" not in seen
        # The pass commits, and coursework.events has the certificates app issue the certificate.
        with django_capture_on_commit_callbacks(execute=True):
            assert marker.post(mark_url, passed).status_code == 302

    submission.refresh_from_db()
    portfolio.refresh_from_db()
    assert (submission.outcome, portfolio.status) == ("pass", PortfolioStatus.PASSED)
    moderation = submission.markings.get(role=MarkerRole.MODERATOR)
    assert (moderation.marker, moderation.disagrees) == (moderator, False)
    assert "A thoughtful portfolio." in holder.get(portfolio_url).content.decode()

    certificate = Certificate.objects.get(participant=morgan)
    assert certificate.award_name == "PartnershipProjects Advanced Certificate in NVR Practice"
    assert certificate.supervision_hours == Decimal("12.00") and not certificate.own_supervisor
    url = verification_url(certificate.code)
    anyone = Client()
    public = anyone.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    assert "Advanced Certificate in NVR Practice" in public and "Morgan Reyes" in public
    assert "Valid." in public and "NVRA Level 2" in public

    # The PDF Morgan downloads: the address under the QR code, the QR code drawn module by
    # module as the address's symbol, and the link over both.
    pdf = holder.get(reverse("certificates:certificate_pdf", args=[certificate.code]))
    assert pdf["Content-Type"] == "application/pdf"
    page = PdfReader(io.BytesIO(pdf.content)).pages[0]
    assert "Morgan Reyes" in page.extract_text() and url in page.extract_text().replace("\n", "")
    matrix = segno.make_qr(url, error="m", mask=0).matrix
    assert _drawn_modules(pdf.content) == {(row, column) for row, line in enumerate(matrix)
                                          for column, dark in enumerate(line) if dark}
    assert {annotation.get_object()["/A"]["/URI"] for annotation in page["/Annots"]} == {url}
    assert url.endswith(reverse("certificates:verify", args=[certificate.code]))

    # The credential the verification page links to, checked with the key in our did:web document.
    credential_url = reverse("certificates:verify_credential", args=[certificate.code])
    assert credential_url in public
    credential = anyone.get(credential_url).json()
    assert credential["id"] == url and credential["credentialSubject"]["name"] == "Morgan Reyes"
    did = anyone.get(reverse("certificates:did_json")).json()
    assert credential["issuer"]["id"] == did["id"]
    key = credentials.public_key_from_multibase(did["verificationMethod"][0]["publicKeyMultibase"])
    assert credentials.verify(credential, public_key=key)
    # ... and as a wallet would, by Digital Bazaar's verifier, the revocation list looked up.
    status_list = anyone.get(reverse("certificates:status_list")).json()
    assert independent_verify(credential, did, status_list_credential=status_list) == (True, "")
    credential["credentialSubject"]["name"] = "Morgan Reyez"
    assert not credentials.verify(credential, public_key=key)
    assert not independent_verify(credential, did)[0]
