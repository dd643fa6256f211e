"""The training map: each programme's levels in order, with prerequisites and the award."""

from __future__ import annotations

import re

from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import LevelFactory, ProgrammeFactory
from trainingdesk.catalogue.demo import Demo


def page(client: Client) -> str:
    response = client.get(reverse("catalogue:training_map"))
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_it_draws_the_levels_in_order_with_their_prerequisites_and_the_award(
    client: Client, brochure: Demo
) -> None:
    html = page(client)
    path = html[:html.index("training-map--branches")]
    steps = re.findall(r'<li class="training-map__step[^"]*">(.*?)</li>', path, re.S)
    assert [text_of(re.findall(r"<h3>(.*?)</h3>", s, re.S)[0]).strip() for s in steps] == [
        "Foundation (NVRA Level 1)",
        "Advanced (NVRA Level 2)",
        "PartnershipProjects Advanced Certificate in NVR Practice (award)",
    ]
    assert "No previous training needed." in text_of(steps[0])
    assert ("Requires Foundation within 24 months (or an equivalent elsewhere), and registration "
            "with a professional body." in text_of(steps[1]))
    assert "submit coursework within 12 months" in text_of(steps[2])


def test_the_steps_are_a_real_ordered_list_with_arrows_hidden_from_screen_readers(
    client: Client, brochure: Demo
) -> None:
    html = page(client)
    assert '<ol class="training-map training-map--steps">' in html
    assert html.count('<span class="training-map__arrow" aria-hidden="true">→</span>') == 2


def test_each_level_links_to_its_page(client: Client, brochure: Demo) -> None:
    html = page(client)
    for level in (brochure.foundation, brochure.advanced):
        assert f'<a href="{level.get_absolute_url()}">{level}</a>' in html


def test_each_programme_has_its_own_map(client: Client, brochure: Demo) -> None:
    other = ProgrammeFactory(name="Parenting Under Pressure", award_name="")
    LevelFactory(programme=other, name="Introduction", accreditation="")
    html = page(client)
    assert "<h2" in html and "Parenting Under Pressure</h2>" in html
    assert "Introduction</a>" in html


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)  # as a signed-in person sees it
def test_the_map_makes_a_fixed_number_of_queries(
    client: Client, brochure: Demo, django_assert_num_queries: object
) -> None:
    for n in range(3):
        LevelFactory(programme=ProgrammeFactory(name=f"Programme {n}"), prerequisite=None)
    with django_assert_num_queries(3):  # type: ignore[operator]  # and the footer's provider
        page(client)


def test_the_group_hybrid_training_is_drawn_as_a_branch_after_foundation_not_a_step_to_the_award(
    client: Client, brochure: Demo
) -> None:
    html = page(client)
    branches = html[html.index("training-map--branches"):]
    assert "Group Hybrid" in branches
    assert "Requires Foundation (or an equivalent elsewhere)." in text_of(branches)
    assert "Group Hybrid" not in html[:html.index("training-map--branches")]
