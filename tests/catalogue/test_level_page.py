"""A level's page: what it teaches and requires, what it earns, and its runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import CourseRunFactory
from tests.html import text_of
from trainingdesk.accounts.models import ProfessionalBody
from trainingdesk.catalogue.demo import Demo
from trainingdesk.catalogue.models import CourseRun, Level, RunStatus

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def page(client: Client, level: Level) -> str:
    response = client.get(level.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_levels_summary_contents_and_days(client: Client, brochure: Demo) -> None:
    html = page(client, brochure.foundation)
    assert "<h1>Foundation <span class=\"muted\">(NVRA Level 1)</span></h1>" in html
    assert "Days 1-4: Foundations of Non Violent Resistance" in html
    assert "<li>Reconciliation and reparation work</li>" in html
    assert "4 days, 6 teaching hours a day" in html


def test_it_lists_upcoming_runs_then_past_runs_as_finished(client: Client, brochure: Demo) -> None:
    html = page(client, brochure.foundation)
    past = html.index('id="past-runs"')
    for title in ("Winter 2027", "Spring 2027", "Autumn 2027"):
        assert html.index(title) < past
    assert html.index("Summer 2022") > past
    assert "This run has finished" in html[past:]
    assert "from £600 (£500 + £100 VAT)" in text_of(html)


def test_it_does_not_list_cancelled_or_draft_runs(client: Client, brochure: Demo) -> None:
    CourseRun.objects.filter(pk=brochure.upcoming[0].pk).update(status=RunStatus.CANCELLED)
    CourseRun.objects.filter(pk=brochure.upcoming[1].pk).update(status=RunStatus.DRAFT)
    html = page(client, brochure.foundation)
    assert "Winter 2027" not in html
    assert "Spring 2027" not in html
    assert "Autumn 2027" in html


def test_the_advanced_level_states_its_entry_requirements_and_coursework(
    client: Client, brochure: Demo
) -> None:
    html = page(client, brochure.advanced)
    assert 'href="/courses/nvr-certificate-course/foundation/">Foundation (NVRA Level 1)</a>' in html
    assert "Foundation (NVRA Level 1), completed within the previous 24 months" in html
    assert "We recommend a gap of 12 months after it to consolidate practice." in html
    assert "UKCP (UK Council for Psychotherapy)" in html
    assert "a covering letter" in html
    assert "Attending all 6 days of training earns an Attendance Confirmation." in html
    assert "12 hours of group supervision, in 6 sessions of 2 hours every 2 months" in html
    assert "2 × Case study of 2000 words" in html
    assert "Reflective log" in html
    assert "£300 (£250 + £50 VAT)" in text_of(html)
    assert "Only charged when a participant submits coursework" in html
    assert brochure.advanced_runs[0].title in html  # the demo's Advanced run


def test_the_accepted_bodies_are_listed_in_the_tables_order_with_one_the_coordinator_added(
    client: Client, brochure: Demo
) -> None:
    psa = ProfessionalBody.objects.create(code="PSA", name="PSA (Professional Standards Authority)",
                                          position=0)
    brochure.advanced.accepted_bodies.add(psa)
    ProfessionalBody.objects.filter(code="GMC").update(position=0, name="GMC (renamed)")
    html = page(client, brochure.advanced)
    listed = html[html.index("Registration with a professional body such as:"):]
    listed = listed[:listed.index("</ul>")]
    assert [line.split("</li>")[0] for line in listed.split("<li>")[1:]] == [
        "GMC (renamed)", "PSA (Professional Standards Authority)",
        "HCPC (Health and Care Professions Council)", "UKCP (UK Council for Psychotherapy)",
        "BACP (British Association for Counselling and Psychotherapy)",
        "NMC (Nursing and Midwifery Council)",
    ]
    assert "Social Work England" not in listed


def test_it_lists_a_new_advanced_run(client: Client, brochure: Demo) -> None:
    CourseRunFactory(level=brochure.advanced, title="Spring 2027 Advanced",
                     days=[dt.date(2027, 3, d) for d in range(1, 7)])
    html = page(client, brochure.advanced)
    assert "Spring 2027 Advanced" in html
    assert "1, 2, 3, 4, 5, 6 March 2027" in html


def test_an_unknown_level_or_programme_is_not_found(client: Client, brochure: Demo) -> None:
    assert client.get(reverse("catalogue:level", args=["nvr-certificate-course", "expert"])
                      ).status_code == 404
    assert client.get(reverse("catalogue:level", args=["another-course", "foundation"])
                      ).status_code == 404


def test_the_joining_link_never_appears(client: Client, brochure: Demo) -> None:
    assert "zoom.us" not in page(client, brochure.foundation)


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)  # as a signed-in person sees it
def test_the_page_makes_a_fixed_number_of_queries(
    client: Client, brochure: Demo, django_assert_num_queries: object
) -> None:
    # The level with its programme, provider, prerequisite and fee; its coursework; its
    # accepted professional bodies; the VAT table; then for upcoming and for past runs each: how
    # many, a page of them, their days, their options, the places taken on them.
    with django_assert_num_queries(15):  # 14, and the footer's provider  # type: ignore[operator]
        page(client, brochure.foundation)
