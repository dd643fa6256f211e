"""The application pages and the coordinator's review: who may see what, and what each says."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.admissions.conftest import completed_foundation
from tests.factories import UserFactory
from trainingdesk.admissions import services
from trainingdesk.admissions.models import Application, ApplicationStatus, Evidence

pytestmark = pytest.mark.usefixtures("applying")


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _sent(participant, advanced) -> Application:
    """A Level 1 from elsewhere with its confirmation, and a covering letter: for a person."""
    application = services.start_application(participant=participant, level=advanced)
    application = services.save_draft(
        application=application, actor=participant,
        answers=services.Answers(covering_letter="Family work.", external_provider="Elsewhere",
                                 external_completed_on=dt.date(2023, 1, 10)),
        files={"prerequisite": SimpleUploadedFile("../../letter.png", _png(), "image/png")})
    return services.submit(application=application, actor=participant)


def test_the_form_says_which_rules_are_met_before_anything_is_sent(
    client, participant, trainer, foundation, advanced
):
    completed_foundation(foundation, participant, trainer)
    client.force_login(participant)
    page = client.get(reverse("admissions:apply", args=[advanced.pk])).content.decode()
    assert "We hold your Attendance Confirmation for Foundation" in page
    assert "Foundation completed with us on 15 September 2022." in page
    assert "Give your registration with a professional body" in page
    assert not Application.objects.exists()


def test_sending_the_form_with_an_hcpc_number_approves_it_and_says_so(
    client, participant, trainer, foundation, advanced
):
    completed_foundation(foundation, participant, trainer)
    client.force_login(participant)
    response = client.post(reverse("admissions:apply", args=[advanced.pk]),
                           {"registration_body": "HCPC", "registration_number": "PYL12345",
                            "send": "1"}, follow=True)
    application = Application.objects.get()
    assert application.status == ApplicationStatus.APPROVED
    assert "You can now book a run of the Advanced level." in response.content.decode()


def test_a_file_that_is_not_what_it_says_is_refused_at_its_field_and_nothing_is_kept(
    client, participant, advanced
):
    client.force_login(participant)
    response = client.post(reverse("admissions:apply", args=[advanced.pk]), {
        "covering_letter_file": SimpleUploadedFile("letter.pdf", b"MZ\x90\x00" + b"\x00" * 200,
                                                   "application/pdf"),
        "save": "1"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"covering_letter_file": [
        "This file is not a PDF, JPEG, PNG or Word document."]}
    assert 'href="#id_covering_letter_file"' in response.content.decode()
    assert not Evidence.objects.exists() and not Application.objects.exists()


def test_the_queue_lists_what_waits_oldest_first_and_the_review_decides(
    client, participant, coordinator, advanced
):
    application = _sent(participant, advanced)
    client.force_login(coordinator)
    queue = client.get(reverse("admissions:queue")).content.decode()
    assert participant.full_name in queue
    review = reverse("admissions:review", args=[application.reference])
    page = client.get(review).content.decode()
    assert "letter.png" in page and "../" not in page  # the original name, cleaned
    response = client.post(review, {"decision": "refuse", "reason": ""})
    assert response.status_code == 400
    assert "Say why it is refused" in response.content.decode()
    client.post(review, {"decision": "approve", "reason": ""})
    assert Application.objects.get().status == ApplicationStatus.APPROVED


@pytest.mark.parametrize("page", ["queue", "review", "application"])
def test_the_review_pages_run_a_fixed_number_of_queries_at_1_and_at_200_applications(
    client, coordinator, advanced, django_assert_num_queries, page
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = _sent(UserFactory(), advanced)  # with a file
    url = (reverse("admissions:queue") if page == "queue"
           else reverse(f"admissions:{page}", args=[first.reference]))
    client.force_login(coordinator)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(199):
        _sent(UserFactory(), advanced)
    with django_assert_num_queries(len(one)):
        response = client.get(url)
    if page == "queue":
        assert len(response.context["applications"]) == 200


@pytest.mark.parametrize("persona", [None, "outsider", "trainer"])
def test_nobody_but_the_applicant_and_the_coordinator_sees_an_application_or_its_evidence(
    client, participant, advanced, persona, request
):
    application = _sent(participant, advanced)
    evidence = application.evidence.get()
    if persona:
        client.force_login(request.getfixturevalue(persona))
    urls = [reverse("admissions:application", args=[application.reference]),
            reverse("admissions:evidence", args=[application.reference, evidence.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == (302 if persona is None else 404), url
    response = client.post(urls[0], {"text": "I answer for them"})
    assert response.status_code in (302, 404)
    review = reverse("admissions:review", args=[application.reference])
    client.post(review, {"decision": "approve"})
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED
    assert not application.messages.exists()


def test_the_applicant_and_the_coordinator_download_the_evidence(client, participant, coordinator,
                                                                 advanced):
    application = _sent(participant, advanced)
    url = reverse("admissions:evidence", args=[application.reference,
                                               application.evidence.get().pk])
    for person in (participant, coordinator):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("persona", [None, "participant", "outsider", "trainer"])
def test_only_the_coordinator_reviews(client, persona, request, advanced):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    expected = 302 if persona is None else 403
    assert client.get(reverse("admissions:queue")).status_code == expected


def test_the_run_page_and_the_booking_page_say_why_and_link_to_the_application(
    client, participant, advanced_run
):
    client.force_login(participant)
    apply_url = f"{reverse('admissions:apply', args=[advanced_run.level_id])}?run={advanced_run.pk}"
    run_page = client.get(reverse("catalogue:run", args=[advanced_run.pk])).content.decode()
    assert "needs an approved application: apply first" in run_page and apply_url in run_page
    book_page = client.get(reverse("bookings:book", args=[advanced_run.pk])).content.decode()
    assert "need an approved application first" in book_page and apply_url in book_page
    assert "Book my place" not in book_page


def test_once_approved_the_booking_page_offers_the_form(client, participant, trainer, foundation,
                                                        advanced, advanced_run):
    completed_foundation(foundation, participant, trainer)
    application = services.start_application(participant=participant, level=advanced,
                                             run=advanced_run)
    services.save_draft(application=application, actor=participant, answers=services.Answers(
        registration_body="HCPC", registration_number="PYL12345"))
    services.submit(application=application, actor=participant)
    client.force_login(participant)
    assert "Book my place" in client.get(
        reverse("bookings:book", args=[advanced_run.pk])).content.decode()


def test_the_applicant_cannot_decide_their_own_application(client, participant, advanced):
    application = _sent(participant, advanced)
    client.force_login(participant)
    review = reverse("admissions:review", args=[application.reference])
    assert client.get(review).status_code == 403
    assert client.post(review, {"decision": "approve", "reason": ""}).status_code == 403
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED
