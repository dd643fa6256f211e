"""The certification information page (issue 11, item 7): the brochure's "dedicated information
page, where you can download the course guidelines". Everything on it is the programme's
configuration: change the configuration and the page changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.catalogue.test_guidelines import private_root  # noqa: F401 - the storage, in a folder of its own
from tests.factories import LevelFactory, ProgrammeFactory
from tests.html import text_of
from tests.lib.test_uploads import text_pdf
from trainingdesk.accounts.models import User
from trainingdesk.catalogue import services
from trainingdesk.catalogue.demo import Demo
from trainingdesk.catalogue.models import ComponentKind, CourseworkComponent, Fee, Programme, VatCategory

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def url(programme: Programme) -> str:
    return reverse("catalogue:certification", args=[programme.slug])


def page(client: Client, programme: Programme) -> str:
    response = client.get(url(programme))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main"):html.index("</main>")]


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return text_of(html[start:html.index("</section>", start)])


def test_its_address_is_the_programmes(brochure: Demo) -> None:
    assert url(brochure.programme) == "/programmes/nvr-certificate-course/certification/"


def test_it_states_the_levels_the_supervision_and_the_award(client: Client, brochure: Demo) -> None:
    html = page(client, brochure.programme)
    assert "<h1>Certification</h1>" in html
    requirements = section(html, "requirements")
    assert ("Complete the Foundation (NVRA Level 1) training: attending every day earns its Attendance "
            "Confirmation.") in requirements
    assert 'href="/courses/nvr-certificate-course/advanced/">Advanced (NVRA Level 2)</a>' in html
    assert "Complete 12 hours of group supervision." in requirements
    assert "If you have your own supervisor for your practice instead" in requirements
    assert ("Submit the Advanced coursework within 12 months of its last day of training, and pass it."
            in requirements)
    assert ("When you meet every requirement, the PartnershipProjects Advanced Certificate in NVR "
            "Practice is issued to you.") in requirements
    assert "Group Hybrid" not in html  # not a level the certificate requires


def test_it_says_a_level_1_done_elsewhere_counts_unless_the_programme_says_not(
        client: Client, brochure: Demo) -> None:
    elsewhere = ("Done it with another provider? It counts once the coordinator accepts it as "
                 "equivalent, on your application to the Advanced level.")
    assert elsewhere in section(page(client, brochure.programme), "requirements")
    brochure.programme.certificate_accepts_equivalent_levels = False
    brochure.programme.save()
    cache.clear()  # shared from the cache until an audited change (this save is not one)
    assert elsewhere not in section(page(client, brochure.programme), "requirements")


def test_it_lists_the_coursework_with_its_words_tolerance_and_reading(client: Client, brochure: Demo) -> None:
    coursework = section(page(client, brochure.programme), "coursework-advanced")
    assert "2 × Case study: 2000 words each, within 10% either side" in coursework
    assert "Reflective log" in coursework
    assert ("You confirm that you have read: Omer, H. (2004) Nonviolent Resistance: A New Approach to "
            "Violent and Self-Destructive Children Omer, H. (2011)") in coursework
    assert "Your coursework is marked anonymously" in coursework


def test_the_fee_is_shown_with_its_net_vat_and_gross_and_when_it_is_charged(
    client: Client, brochure: Demo
) -> None:
    coursework = section(page(client, brochure.programme), "coursework-advanced")
    assert "Assessment fee £300 (£250 + £50 VAT) VAT is charged at 20%." in coursework
    assert "It is charged only when you submit your coursework" in coursework
    assert ("You may resubmit the parts referred within 12 weeks of the decision, at no further charge."
            in coursework)


def test_the_page_follows_the_configuration(client: Client, brochure: Demo) -> None:
    advanced, programme = brochure.advanced, brochure.programme
    advanced.coursework.filter(title="Case study").update(words=3000, quantity=1)
    advanced.coursework_word_tolerance_percent = 15
    advanced.coursework_due_months = 18
    advanced.coursework_resubmission_weeks = 6
    advanced.coursework_anonymous_marking = False
    advanced.resubmission_fee = Fee.objects.create(programme=programme, name="Resubmission",
                                                   gross_amount=Decimal("60.00"))
    advanced.assessment_fee = Fee.objects.create(programme=programme, name="Assessment",
                                                 gross_amount=Decimal("450.00"),
                                                 vat_category=VatCategory.ZERO)
    advanced.save()
    programme.certificate_supervision_hours = 20
    programme.certificate_accepts_own_supervisor = False
    programme.award_name = "Diploma in Family Practice"
    programme.certification_information = "First paragraph.\n\nSecond paragraph."
    programme.save()

    html = page(client, programme)
    coursework = section(html, "coursework-advanced")
    assert "Case study: 3000 words, within 15% either side" in coursework
    assert "2000" not in coursework
    assert "anonymously" not in coursework
    assert "Assessment fee £450 (no VAT)" in coursework
    assert "VAT is charged" not in coursework
    assert ("You may resubmit the parts referred within 6 weeks of the decision, for a resubmission "
            "fee of £60 (£50 + £10 VAT).") in coursework
    requirements = section(html, "requirements")
    assert "within 18 months of its last day" in requirements
    assert "Complete 20 hours of group supervision." in requirements
    assert "your own supervisor" not in requirements
    assert "the Diploma in Family Practice is issued to you" in requirements
    assert "<p>First paragraph.</p>\n\n<p>Second paragraph.</p>" in html


def test_another_programme_shows_its_own_configuration_and_nothing_of_the_brochures(
    client: Client, db: None
) -> None:
    programme = ProgrammeFactory(name="Parenting Under Pressure", award_name="Certificate in Parenting Work",
                                 certificate_supervision_hours=0)
    level = LevelFactory(programme=programme, name="Introduction", accreditation="", coursework_due_months=6)
    CourseworkComponent.objects.create(level=level, title="Essay", words=5000, position=1)
    CourseworkComponent.objects.create(level=level, title="Books", kind=ComponentKind.READING,
                                       reading_list="One book\n\nAnother book\n", position=2)
    programme.certificate_levels.set([level])
    html = page(client, programme)
    text = text_of(html)
    assert "Essay: 5000 words, within 10% either side" in text
    assert "You confirm that you have read: One book Another book" in text
    assert "supervision" not in text
    assert "Assessment fee" not in text  # none is configured
    assert "NVR" not in text and "£" not in text
    assert "Download the course guidelines" not in text


def test_a_programme_without_a_certificate_says_so(client: Client, db: None) -> None:
    programme = ProgrammeFactory(award_name="")
    assert "have not been published yet" in page(client, programme)


def test_an_unknown_programme_is_not_found(client: Client, db: None) -> None:
    assert client.get(reverse("catalogue:certification", args=["no-such-programme"])).status_code == 404


def test_the_guidelines_link_describes_the_current_version(
    client: Client, brochure: Demo, coordinator: User, private_root: Path,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    html = page(client, brochure.programme)
    assert "Download the course guidelines (PDF," in html
    assert "version 1, updated 25 November 2026)" in html
    march = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)
    content = text_pdf()
    with django_capture_on_commit_callbacks(execute=True):
        services.upload_guidelines(programme=brochure.programme, actor=coordinator, now=march,
                                   upload=SimpleUploadedFile("Guidelines.pdf", content))
    link = f'<a href="{reverse("catalogue:guidelines", args=[brochure.programme.slug])}">'
    html = page(client, brochure.programme)
    assert f"{link}Download the course guidelines (PDF, 1 KB, version 2, updated 1 March 2027)</a>" in html


def test_the_cached_page_changes_when_new_guidelines_are_uploaded(
    client: Client, brochure: Demo, coordinator: User, private_root: Path,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert "version 1," in page(client, brochure.programme)
    with CaptureQueriesContext(connection) as queries:
        assert "version 1," in page(client, brochure.programme)  # from the cache now
    assert not [q for q in queries.captured_queries if "catalogue_programme" in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):  # the upload commits: a new version
        services.upload_guidelines(programme=brochure.programme, actor=coordinator,
                                   upload=SimpleUploadedFile("Guidelines.pdf", text_pdf()))
    assert "version 2," in page(client, brochure.programme)


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)  # as a signed-in person sees it
def test_the_page_makes_a_fixed_number_of_queries(
    client: Client, brochure: Demo, django_assert_num_queries: object
) -> None:
    # The programme with its provider; its certificate levels with their fees; their coursework;
    # the VAT table; the current guidelines.
    with django_assert_num_queries(6):  # type: ignore[operator]  # and the footer's provider
        page(client, brochure.programme)
    for position in (4, 5):
        CourseworkComponent.objects.create(level=brochure.advanced, title=f"Part {position}",
                                           words=1000, position=position)
    fee = Fee.objects.create(programme=brochure.programme, name="Another fee", gross_amount=Decimal("60"))
    brochure.foundation.assessment_fee = fee
    brochure.foundation.save(update_fields=["assessment_fee"])
    CourseworkComponent.objects.create(level=brochure.foundation, title="Foundation log", position=1)
    with django_assert_num_queries(6):  # type: ignore[operator]
        html = page(client, brochure.programme)
    assert "Part 5" in html and "Foundation log" in html


# --- where it is linked from ------------------------------------------------------------------


def test_the_level_pages_link_to_it(client: Client, brochure: Demo) -> None:
    for level in (brochure.foundation, brochure.advanced):
        html = client.get(level.get_absolute_url()).content.decode()
        assert ('<a href="/programmes/nvr-certificate-course/certification/">How certification works, '
                "and the course guidelines</a>") in html


def test_the_training_map_links_to_it_from_the_award(client: Client, brochure: Demo) -> None:
    html = client.get(reverse("catalogue:training_map")).content.decode()
    award = html[html.index("training-map__award"):]
    award = award[:award.index("</li>")]
    assert ('<a href="/programmes/nvr-certificate-course/certification/">How certification works, '
            "and the course guidelines</a>") in award
