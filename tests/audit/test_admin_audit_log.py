"""Every change in the back office writes an audit entry; the log itself is read-only to all."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.catalogue.admin_forms import (
    RUNS_URL,
    add_post,
    change_url,
    day_row,
    new_day,
    new_run_fields,
    run_post,
)
from tests.factories import PASSWORD, CourseRunFactory, UserFactory
from trainingdesk.accounts.models import Organisation, Role, User
from trainingdesk.audit.log import log_action
from trainingdesk.audit.models import AuditEntry
from trainingdesk.catalogue.demo import Demo
from trainingdesk.catalogue.models import CourseRun, RunStatus, TrainingDay

LOG_URL = "/back-office/audit/auditentry/"
JUNE_2027 = [dt.date(2027, 6, 22), dt.date(2027, 6, 23), dt.date(2027, 6, 24)]


@pytest.fixture
def client_as_coordinator(client: Client, coordinator: User) -> Client:
    client.force_login(coordinator)
    return client


def entries(actor: User, action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(actor=actor, action=action).order_by("id"))


def days_of(run: CourseRun) -> list[dict[str, Any]]:
    return [day_row(d) for d in run.days.order_by("number")]


# --- What is written ---------------------------------------------------------------------------

def test_changing_a_run_records_its_values_before_and_after(
    client_as_coordinator: Client, brochure: Demo, coordinator: User
) -> None:
    run = brochure.summer_2022
    response = client_as_coordinator.post(change_url(run), run_post(run, platform="Teams"))
    assert response.status_code == 302
    [entry] = entries(coordinator, "catalogue.courserun.changed")
    assert entry.object_id == str(run.pk)
    assert entry.object_repr == "Foundation: Summer 2022"
    assert (entry.before["platform"], entry.after["platform"]) == ("Zoom", "Teams")
    assert entry.changed_fields() == ["platform"]


def test_saving_a_run_without_changes_writes_no_entry(
    client_as_coordinator: Client, brochure: Demo, coordinator: User
) -> None:
    run = brochure.summer_2022
    assert client_as_coordinator.post(change_url(run), run_post(run)).status_code == 302
    assert not AuditEntry.objects.filter(actor=coordinator).exists()


def test_adding_a_run_records_the_run_and_each_of_its_days(
    client_as_coordinator: Client, brochure: Demo, coordinator: User
) -> None:
    post = add_post(new_run_fields(brochure.foundation.pk),
                    [new_day(n, d) for n, d in enumerate(JUNE_2027, start=1)])
    assert client_as_coordinator.post(f"{RUNS_URL}add/", post).status_code == 302
    [added] = entries(coordinator, "catalogue.courserun.added")
    assert (added.before, added.after["title"], added.after["status"]) == (
        None, "Summer 2027", "draft")
    days = entries(coordinator, "catalogue.trainingday.added")
    assert [e.after["date"] for e in days] == [d.isoformat() for d in JUNE_2027]
    assert {e.after["run"] for e in days} == {int(added.object_id)}


def test_changing_and_deleting_days_records_each_row(
    client_as_coordinator: Client, brochure: Demo, coordinator: User
) -> None:
    run = brochure.summer_2022
    # A published run must keep its four days; a draft may lose one. (Status changes only
    # through the publish and cancel actions, so the test sets it directly.)
    CourseRun.objects.filter(pk=run.pk).update(status=RunStatus.DRAFT)
    run.refresh_from_db()
    day_four = run.days.get(number=4)
    days = days_of(run)
    days[2]["finish_time"] = "16:00"
    days[3]["DELETE"] = True
    response = client_as_coordinator.post(change_url(run), run_post(run, days=days))
    assert response.status_code == 302
    [changed] = entries(coordinator, "catalogue.trainingday.changed")
    assert (changed.before["finish_time"], changed.after["finish_time"]) == ("16:30:00", "16:00:00")
    assert changed.changed_fields() == ["finish_time"]
    [deleted] = entries(coordinator, "catalogue.trainingday.deleted")
    assert (deleted.object_id, deleted.before["date"], deleted.after) == (
        str(day_four.pk), "2022-09-15", None)
    assert deleted.object_repr == "Day 4, 15 September 2022"
    assert entries(coordinator, "catalogue.courserun.changed") == []  # the run itself is as it was


def test_deleting_a_run_records_it(client_as_coordinator: Client, coordinator: User) -> None:
    run = CourseRunFactory(title="Cancelled idea", status=RunStatus.DRAFT)
    response = client_as_coordinator.post(f"{RUNS_URL}{run.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CourseRun.objects.filter(pk=run.pk).exists()
    [entry] = entries(coordinator, "catalogue.courserun.deleted")
    assert (entry.object_id, entry.before["title"], entry.after) == (
        str(run.pk), "Cancelled idea", None)


def test_deleting_selected_runs_records_each(client_as_coordinator: Client, coordinator: User) -> None:
    runs = [CourseRunFactory(status=RunStatus.DRAFT, days=[dt.date(2030, 1, 1)])
            for _ in range(2)]
    response = client_as_coordinator.post(RUNS_URL, {
        "action": "delete_selected", "_selected_action": [r.pk for r in runs], "post": "yes",
    })
    assert response.status_code == 302
    assert not CourseRun.objects.filter(pk__in=[r.pk for r in runs]).exists()
    assert not TrainingDay.objects.filter(run_id__in=[r.pk for r in runs]).exists()
    recorded = entries(coordinator, "catalogue.courserun.deleted")
    assert sorted(e.object_id for e in recorded) == sorted(str(r.pk) for r in runs)


def test_a_refused_change_writes_no_entry(
    client_as_coordinator: Client, brochure: Demo, coordinator: User
) -> None:
    run = brochure.summer_2022
    days = days_of(run)
    days[1]["finish_time"] = "09:00"
    response = client_as_coordinator.post(change_url(run), run_post(run, days=days, capacity=30))
    assert response.status_code == 200
    assert not AuditEntry.objects.filter(actor=coordinator).exists()


def test_giving_someone_the_coordinator_role_records_their_roles_before_and_after(
    client_as_coordinator: Client, coordinator: User
) -> None:
    person = UserFactory(full_name="Nia New", email="nia@example.org")
    group = Group.objects.get(name=Role.COORDINATOR)
    response = client_as_coordinator.post(f"/back-office/accounts/user/{person.pk}/change/", {
        "email": "nia@example.org", "full_name": "Nia New", "job_role": "", "sector": "",
        "organisation_name": "", "country": "", "time_zone": "Europe/London",
        "is_member": "on", "groups": [group.pk], "is_active": "on",
        "registrations-TOTAL_FORMS": 1, "registrations-INITIAL_FORMS": 0,
        "registrations-MIN_NUM_FORMS": 0, "registrations-MAX_NUM_FORMS": 1000,
        "registrations-0-body": "HCPC", "registrations-0-body_name": "",
        "registrations-0-number": "SW12345",
    })
    assert response.status_code == 302, response.context_data["errors"]
    person.refresh_from_db()
    assert person.is_member and person.is_staff and person.is_coordinator
    [entry] = entries(coordinator, "accounts.user.changed")
    assert (entry.before["groups"], entry.after["groups"]) == ([], [group.pk])
    assert (entry.before["is_member"], entry.after["is_member"]) == (False, True)
    assert "password" not in entry.after
    [registration] = entries(coordinator, "accounts.professionalregistration.added")
    assert registration.after["number"] == "SW12345"


def test_a_coordinator_cannot_make_anyone_a_superuser(
    client_as_coordinator: Client, coordinator: User
) -> None:
    person = UserFactory(full_name="Nia New", email="nia@example.org")
    response = client_as_coordinator.post(f"/back-office/accounts/user/{person.pk}/change/", {
        "email": "nia@example.org", "full_name": "Nia New", "time_zone": "Europe/London",
        "is_active": "on", "is_superuser": "on",
        "registrations-TOTAL_FORMS": 0, "registrations-INITIAL_FORMS": 0,
    })
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_superuser


def test_adding_an_organisation_records_it(client_as_coordinator: Client, coordinator: User) -> None:
    response = client_as_coordinator.post("/back-office/accounts/organisation/add/", {
        "name": "Camden Council", "billing_address": "Judd Street\nLondon", "postcode": "WC1H 9JE",
        "invoice_email": "invoices@camden.example", "requires_purchase_order": "on",
    })
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    [entry] = entries(coordinator, "accounts.organisation.added")
    assert (entry.object_id, entry.after["requires_purchase_order"]) == (str(organisation.pk), True)


def test_setting_a_password_in_the_back_office_is_recorded_without_the_password(
    client_as_coordinator: Client, coordinator: User
) -> None:
    person = UserFactory()
    response = client_as_coordinator.post(f"/back-office/accounts/user/{person.pk}/password/", {
        "password1": "another-long-password-456", "password2": "another-long-password-456",
        "usable_password": "true", "set-password": "1",
    })
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("another-long-password-456")
    [entry] = entries(coordinator, "accounts.user.password_changed")
    assert (entry.object_id, entry.before, entry.after) == (str(person.pk), None, None)


# --- Reading the log ---------------------------------------------------------------------------

def test_the_coordinator_reads_who_did_what_to_which_record_and_when(
    client_as_coordinator: Client, brochure: Demo, coordinator: User
) -> None:
    run = brochure.summer_2022
    client_as_coordinator.post(change_url(run), run_post(run, platform="Teams"))
    response = client_as_coordinator.get(LOG_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "catalogue.courserun.changed" in html
    assert "Cora Coordinator" in html
    assert "Foundation: Summer 2022" in html


def test_an_entry_shows_the_values_before_and_after_and_what_changed(
    client_as_coordinator: Client, brochure: Demo, coordinator: User
) -> None:
    run = brochure.summer_2022
    client_as_coordinator.post(change_url(run), run_post(run, platform="Teams", title="Summer 22"))
    [entry] = entries(coordinator, "catalogue.courserun.changed")
    response = client_as_coordinator.get(f"{LOG_URL}{entry.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "platform, title" in html
    assert '<th scope="row">platform</th><td>Zoom</td><td>Teams</td><td><strong>changed</strong>' in html
    assert '<th scope="row">title</th><td>Summer 2022</td><td>Summer 22</td>' in html
    assert '<th scope="row">delivery</th><td>online</td><td>online</td><td></td>' in html
    assert f'href="{change_url(run)}"' in html
    assert 'name="_save"' not in html


def test_the_audit_log_cannot_be_added_to_changed_or_deleted_by_the_coordinator(
    client_as_coordinator: Client, coordinator: User
) -> None:
    entry = log_action(coordinator, "catalogue.run.published", None, after={"status": "published"})
    assert client_as_coordinator.get(f"{LOG_URL}add/").status_code == 403
    assert client_as_coordinator.post(f"{LOG_URL}{entry.pk}/change/",
                                      {"action": "forged"}).status_code == 403
    assert client_as_coordinator.post(f"{LOG_URL}{entry.pk}/delete/",
                                      {"post": "yes"}).status_code == 403
    client_as_coordinator.post(LOG_URL, {"action": "delete_selected",
                                         "_selected_action": [entry.pk], "post": "yes"})
    entry.refresh_from_db()
    assert entry.action == "catalogue.run.published"


def test_not_even_a_superuser_may_delete_an_entry(client: Client, db: None) -> None:
    boss = User.objects.create_superuser("boss@example.org", PASSWORD, full_name="Boss")
    entry = log_action(boss, "catalogue.run.published", None)
    client.force_login(boss)
    assert client.post(f"{LOG_URL}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    assert "delete_selected" not in client.get(LOG_URL).content.decode()


def test_the_audit_log_list_takes_no_more_queries_for_more_entries(
    client_as_coordinator: Client, coordinator: User
) -> None:
    log_action(coordinator, "catalogue.run.published", None)
    client_as_coordinator.get(LOG_URL)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_as_coordinator.get(LOG_URL).status_code == 200
        return len(queries)

    one = count()
    for n in range(5):
        log_action(UserFactory(), "catalogue.run.published", None, after={"n": n})
    assert count() == one
