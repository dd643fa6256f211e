"""The provider in every page's footer, its own pages (accessibility statement, privacy notice,
terms), and the brochure's statements about the provider and the course on the public pages
(issue 8, accessibility). Their text is the provider's configuration, edited in the back office."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from tests.html import text_of
from trainingdesk.audit.models import AuditEntry
from trainingdesk.catalogue.demo import Demo
from trainingdesk.catalogue.models import Programme, Provider

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
PAGES = {
    "catalogue:accessibility": "Accessibility statement",
    "catalogue:privacy": "Privacy notice",
    "catalogue:terms": "Terms and conditions",
}


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">'):]


@pytest.mark.parametrize("name", ["catalogue:index", "catalogue:training_map", "accounts:login"])
def test_every_page_names_the_provider_with_its_contact_and_links_to_its_pages_in_the_footer(
    client: Client, brochure: Demo, name: str
) -> None:
    footer = _footer(client.get(reverse(name)).content.decode())
    assert "PartnershipProjects" in footer
    assert "An accredited training provider registered with the NVR Association (NVRA)" in footer
    assert 'href="mailto:training@example.org"' in footer
    assert 'href="tel:02079460000"' in footer
    for url_name, title in PAGES.items():
        assert f'<a href="{reverse(url_name)}">{title}</a>' in footer


@pytest.mark.parametrize("who", ["anonymous", "participant", "outsider", "trainer", "coordinator"])
@pytest.mark.parametrize("name", PAGES)
def test_the_providers_pages_are_public_and_read_only_for_every_persona(
    client: Client, brochure: Demo, request: pytest.FixtureRequest, who: str, name: str
) -> None:
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    before = model_to_dict(Provider.objects.get())
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert f"<h1>{PAGES[name]}</h1>" in response.content.decode()
    assert client.post(reverse(name), {"terms": "Changed"}).status_code == 405
    assert model_to_dict(Provider.objects.get()) == before


def test_each_page_shows_the_providers_own_text(client: Client, brochure: Demo) -> None:
    html = text_of(client.get(reverse("catalogue:accessibility")).content.decode())
    assert "WCAG" in html and "training@example.org" in html
    assert "data controller" in text_of(client.get(reverse("catalogue:privacy")).content.decode())
    assert "These terms apply" in text_of(client.get(reverse("catalogue:terms")).content.decode())


def test_a_page_the_provider_has_not_written_says_so_and_whom_to_ask(client: Client, brochure: Demo) -> None:
    Provider.objects.update(privacy_notice="")
    html = text_of(client.get(reverse("catalogue:privacy")).content.decode())
    assert "This page is not published yet. To ask about it, email training@example.org." in html


def _provider_form(provider: Provider, **changes: Any) -> dict[str, Any]:
    data = {k: ("" if v is None else v) for k, v in model_to_dict(provider).items() if k != "id"}
    return {**data, **changes}


def test_an_edit_in_the_back_office_is_audited_and_shows_on_the_next_request(
    client: Client, brochure: Demo, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    provider = Provider.objects.get()
    url = reverse("catalogue:accessibility")
    assert "We aim for AAA" not in client.get(url).content.decode()  # now in the anonymous cache
    assert "We aim for AAA" not in client.get(reverse("catalogue:index")).content.decode()
    staff = Client()
    staff.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/back-office/catalogue/provider/{provider.pk}/change/", _provider_form(
            provider, accessibility_statement="We aim for AAA.", name="PartnershipProjects Ltd"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.filter(action="catalogue.provider.changed").get()
    assert entry.after["accessibility_statement"] == "We aim for AAA."
    assert "We aim for AAA." in client.get(url).content.decode()
    assert "PartnershipProjects Ltd" in _footer(client.get(reverse("catalogue:index")).content.decode())


def test_the_run_and_level_pages_state_the_providers_accreditation_and_what_the_course_is_for(
    client: Client, brochure: Demo
) -> None:
    for url in (brochure.upcoming[0].get_absolute_url(), brochure.advanced.get_absolute_url()):
        section = client.get(url).content.decode().split('id="about-training"')[1].split("</section>")[0]
        text = text_of(section)
        assert ("Provided by PartnershipProjects. An accredited training provider registered with the "
                "NVR Association (NVRA).") in text
        assert "designed for working with individual families. It is not a manualised group work " \
               "programme." in text
        assert "PartnershipProjects does not provide a ‘train the trainer’ option." in text
        assert "unethical and unprofessional" in text  # and why
    index = text_of(client.get(reverse("catalogue:index")).content.decode())
    assert "An accredited training provider registered with the NVR Association (NVRA)." in index


def test_the_statements_are_the_programmes_configuration(client: Client, brochure: Demo) -> None:
    Programme.objects.update(training_others="Ask us about training your colleagues.", approach="")
    html = text_of(client.get(brochure.advanced.get_absolute_url()).content.decode())
    assert "Ask us about training your colleagues." in html
    assert "train the trainer" not in html and "manualised" not in html


def test_the_navigation_comes_in_groups_and_the_coordinators_work_links_are_together(
    client: Client, brochure: Demo, coordinator: Any
) -> None:
    client.force_login(coordinator)
    html = client.get(reverse("catalogue:index")).content.decode()
    nav = html[html.index('<nav aria-label="Main">'):html.index("</nav>")]
    groups = re.findall(r'<ul class="site-nav__group" aria-label="([^"]+)">(.*?)</ul>', nav, re.S)
    assert [(label, re.findall(r">([^<>]+)</(?:a|button)>", links)) for label, links in groups] == [
        ("Courses", ["Courses", "Training map", "Check a certificate"]),
        ("Work", ["Back office", "Bookings", "Applications", "Coursework", "Registers"]),
        ("Your account", ["My training", "My pathway", "My attendance", "My applications", "My coursework",
                          "Your profile", "Sign out"]),
    ]
