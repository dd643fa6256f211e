"""The coordinator copies a run to new dates from the back office, through services.copy_run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.catalogue.admin_forms import RUNS_URL, change_url
from tests.factories import CourseRunFactory
from trainingdesk.accounts.models import User
from trainingdesk.audit.models import AuditEntry
from trainingdesk.catalogue.demo import Demo
from trainingdesk.catalogue.models import CourseRun, RunStatus

COPIED_2023 = [dt.date(2023, 6, 20), dt.date(2023, 6, 21), dt.date(2023, 6, 22),
               dt.date(2023, 9, 14)]


@pytest.fixture
def client_as_coordinator(client: Client, coordinator: User) -> Client:
    client.force_login(coordinator)
    return client


def copy_url(run: CourseRun) -> str:
    return f"{RUNS_URL}{run.pk}/copy/"


def test_the_copy_action_takes_the_coordinator_to_the_copy_page(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    run = brochure.summer_2022
    response = client_as_coordinator.post(
        RUNS_URL, {"action": "copy_to_new_dates", "_selected_action": [run.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == copy_url(run)


def test_the_copy_action_wants_exactly_one_run(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    runs = [brochure.summer_2022.pk, brochure.upcoming[0].pk]
    response = client_as_coordinator.post(
        RUNS_URL, {"action": "copy_to_new_dates", "_selected_action": runs}, follow=True
    )
    assert [m.message for m in response.context["messages"]] == ["Choose one run to copy."]
    assert CourseRun.objects.count() == 5


def test_the_copy_page_shows_the_days_now_and_a_year_on(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    response = client_as_coordinator.get(copy_url(brochure.summer_2022))
    assert response.status_code == 200
    rows = response.context_data["rows"]
    assert [(r["old"], r["new"]) for r in rows] == [
        ("Tuesday 21 June 2022", "Tuesday 20 June 2023"),
        ("Wednesday 22 June 2022", "Wednesday 21 June 2023"),
        ("Thursday 23 June 2022", "Thursday 22 June 2023"),
        ("Thursday 15 September 2022", "Thursday 14 September 2023"),
    ]
    assert "Thursday 14 September 2023" in response.content.decode()


def test_the_preview_shows_the_new_dates_without_copying(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    response = client_as_coordinator.post(
        copy_url(brochure.summer_2022),
        {"title": "Winter 2023", "first_date": "2023-12-05", "_preview": "1"},
    )
    assert response.status_code == 200
    assert [r["new"] for r in response.context_data["rows"]] == [
        "Tuesday 5 December 2023", "Wednesday 6 December 2023", "Thursday 7 December 2023",
        "Thursday 29 February 2024",
    ]
    assert not CourseRun.objects.filter(title="Winter 2023").exists()


def test_copying_the_brochure_run_to_20_june_2023_keeps_the_gap_before_day_4(
    client_as_coordinator: Client, brochure: Demo, coordinator: User
) -> None:
    response = client_as_coordinator.post(
        copy_url(brochure.summer_2022), {"title": "Summer 2023", "first_date": "2023-06-20"},
        follow=True,
    )
    copy = CourseRun.objects.get(title="Summer 2023")
    assert response.redirect_chain == [(change_url(copy), 302)]
    assert [m.message for m in response.context["messages"]] == [
        "Copied to a draft run, Summer 2023, from Tuesday 20 June 2023. Check it, then publish it."
    ]
    assert list(copy.days.order_by("number").values_list("date", flat=True)) == COPIED_2023
    assert copy.status == RunStatus.DRAFT
    assert list(copy.options.values_list("name", "net_amount")) == list(
        brochure.summer_2022.options.values_list("name", "net_amount")
    )
    entry = AuditEntry.objects.get(action="catalogue.run.copied", actor=coordinator)
    assert (entry.actor, entry.object_id) == (coordinator, str(copy.pk))
    assert entry.after["copied_from"] == brochure.summer_2022.pk


def test_a_copy_without_a_title_or_date_is_refused_beside_the_fields(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    response = client_as_coordinator.post(copy_url(brochure.summer_2022),
                                          {"title": "", "first_date": "20/13/2023"})
    assert response.status_code == 200
    form = response.context_data["form"]
    assert set(form.errors) == {"title", "first_date"}
    assert CourseRun.objects.count() == 5


def test_a_run_without_days_cannot_be_copied(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    empty = CourseRunFactory(level=brochure.foundation, status=RunStatus.DRAFT)
    response = client_as_coordinator.get(copy_url(empty))
    assert "This run has no days, so there is nothing to copy." in response.content.decode()


def test_a_trainer_cannot_copy_a_run(client: Client, trainer: User, brochure: Demo) -> None:
    client.force_login(trainer)
    response = client.post(copy_url(brochure.summer_2022),
                           {"title": "Summer 2023", "first_date": "2023-06-20"})
    assert response.status_code == 302
    assert response["Location"].startswith("/back-office/login/")
    assert not CourseRun.objects.filter(title="Summer 2023").exists()


def test_the_run_page_links_to_the_copy_page(client_as_coordinator: Client, brochure: Demo) -> None:
    response = client_as_coordinator.get(change_url(brochure.summer_2022))
    assert f'href="{copy_url(brochure.summer_2022)}"' in response.content.decode()
