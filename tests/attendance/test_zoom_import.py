"""/attendance/days/<day>/zoom/: importing a Zoom participant report, with a preview first."""
# ruff: noqa: E501 - a report's rows read best one to a line

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from tests.attendance.conftest import booked
from tests.attendance.fixtures_extra import *  # noqa: F403 - the fixtures
from tests.attendance.fixtures_extra import day
from tests.factories import UserFactory
from trainingdesk.accounts.models import Role, User
from trainingdesk.accounts.roles import grant_role
from trainingdesk.attendance import services
from trainingdesk.attendance.models import AttendanceMark, MarkSource, MarkStatus
from trainingdesk.audit.models import AuditEntry

pytestmark = pytest.mark.usefixtures("after_the_last_day")

HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r\n"
PREAMBLE = ("Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\r\n"
            "812 3456 7890,NVR Day 1,06/21/2022 09:15:03 AM,06/21/2022 04:41:10 PM,host@example.org,326,4\r\n\r\n")
REPORT = (PREAMBLE + HEADER
          + "Pat Participant,PAT@example.org,06/21/2022 09:28:11 AM,06/21/2022 12:31:00 PM,183,No\r\n"
          + "Pat Participant,pat@example.org,06/21/2022 01:27:00 PM,06/21/2022 04:31:00 PM,184,No\r\n"
          + "Lena Late,lena@example.org,06/21/2022 10:00:00 AM,06/21/2022 04:30:00 PM,390,No\r\n"
          + "Sam's iPad,,06/21/2022 09:29:00 AM,06/21/2022 04:30:00 PM,421,Yes\r\n"
          + "Tom Trainer,tom@example.org,06/21/2022 09:00:00 AM,06/21/2022 04:45:00 PM,465,No\r\n")


@pytest.fixture
def people(foundation_run, option, participant):
    return {
        "pat": booked(foundation_run, option, participant),
        "lena": booked(foundation_run, option, UserFactory(full_name="Lena Late", email="lena@example.org")),
        "sam": booked(foundation_run, option, UserFactory(full_name="Sam Smith", email="sam@work.example")),
        "kim": booked(foundation_run, option, UserFactory(full_name="Kim Away", email="kim@example.org")),
    }


def upload(client, training_day, text: str | bytes = REPORT, name: str = "participants.csv", **fields):
    data = text.encode() if isinstance(text, str) else text
    return client.post(reverse("attendance:zoom_upload", args=[training_day.pk]),
                       {"report": SimpleUploadedFile(name, data, content_type="text/csv"),
                        "zone": "Europe/London", **fields})


def outcomes(response) -> dict[int, tuple[str, int] | None]:
    return {line.row.booking.pk: line.outcome for line in response.context["lines"]}


def test_uploading_shows_a_preview_and_saves_nothing(client, coordinator, foundation_run, people):
    first = day(foundation_run, 1)
    client.force_login(coordinator)

    response = upload(client, first)

    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert not AttendanceMark.objects.exists() and not AuditEntry.objects.filter(action__startswith="attendance").exists()
    assert outcomes(preview) == {people["pat"].pk: ("present", 0), people["lena"].pk: ("late", 30),
                                 people["sam"].pk: ("absent", 0), people["kim"].pk: ("absent", 0)}
    page = preview.content.decode()
    assert "Nothing has been saved yet." in page
    assert "Who in the report is Sam Smith?" in page and "Row 8: Sam&#x27;s iPad, no email, 421 minutes" in page


def test_confirming_saves_every_proposed_mark_at_once_from_zoom(client, coordinator, foundation_run, people):
    first = day(foundation_run, 1)
    client.force_login(coordinator)
    location = upload(client, first)["Location"]

    response = client.post(location, {"action": "confirm", f"who_{people['sam'].pk}": "8"}, follow=True)

    assert "4 marks saved from the Zoom report." in response.content.decode()
    marks = {m.booking_id: (m.status, m.minutes_missed, m.source) for m in AttendanceMark.objects.filter(day=first)}
    assert marks == {
        people["pat"].pk: ("present", 0, MarkSource.ZOOM), people["lena"].pk: ("late", 30, MarkSource.ZOOM),
        people["sam"].pk: ("present", 0, MarkSource.ZOOM), people["kim"].pk: ("absent", 0, MarkSource.ZOOM),
    }
    assert AuditEntry.objects.filter(action="attendance.mark.recorded").count() == 4


def test_one_row_cannot_be_chosen_for_two_people(client, coordinator, foundation_run, people):
    client.force_login(coordinator)
    location = upload(client, day(foundation_run, 1))["Location"]

    response = client.post(location, {"action": "confirm", f"who_{people['sam'].pk}": "8",
                                      f"who_{people['kim'].pk}": "8"})

    assert response.status_code == 400
    assert "Row 8 is already chosen for someone else." in response.content.decode()
    assert not AttendanceMark.objects.exists()


def test_deciding_a_row_updates_the_proposal_without_saving(client, coordinator, foundation_run, people):
    client.force_login(coordinator)
    location = upload(client, day(foundation_run, 1))["Location"]

    response = client.post(location, {"action": "update", f"who_{people['sam'].pk}": "8"}, follow=True)

    assert outcomes(response)[people["sam"].pk] == ("present", 0)
    assert response.context["form"][f"who_{people['sam'].pk}"].value() == "8"  # remembered
    assert "As row 8, Sam&#x27;s iPad, by your choice." in response.content.decode()
    assert not AttendanceMark.objects.exists()


def test_someone_already_marked_but_not_in_the_report_is_left_as_marked(client, coordinator, trainer,
                                                                        foundation_run, people):
    first = day(foundation_run, 1)
    services.record_marks(day=first, marks=[services.MarkInput(people["kim"].pk, MarkStatus.PRESENT)],
                          actor=trainer)
    client.force_login(coordinator)
    location = upload(client, first)["Location"]

    client.post(location, {"action": "confirm"})

    kim = AttendanceMark.objects.get(day=first, booking=people["kim"])
    assert (kim.status, kim.source) == ("present", MarkSource.REGISTER)


def test_a_confirmed_preview_cannot_be_saved_twice(client, coordinator, foundation_run, people):
    client.force_login(coordinator)
    location = upload(client, day(foundation_run, 1))["Location"]
    client.post(location, {"action": "confirm"})

    response = client.post(location, {"action": "confirm"}, follow=True)

    assert "That Zoom report preview has expired or was already saved." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("attendance:zoom_upload", args=[day(foundation_run, 1).pk])
    assert AuditEntry.objects.filter(action="attendance.mark.recorded").count() == 4


def test_an_unknown_token_sends_back_to_the_upload(client, coordinator, foundation_run):
    client.force_login(coordinator)
    first = day(foundation_run, 1)
    response = client.get(reverse("attendance:zoom_preview", args=[first.pk, "made-up"]))
    assert response.status_code == 302 and response["Location"] == reverse("attendance:zoom_upload", args=[first.pk])


def test_a_preview_belongs_to_its_day(client, coordinator, foundation_run, people):
    client.force_login(coordinator)
    location = upload(client, day(foundation_run, 1))["Location"]
    token = location.rstrip("/").rsplit("/", 1)[-1]
    response = client.get(reverse("attendance:zoom_preview", args=[day(foundation_run, 2).pk, token]))
    assert response.status_code == 302


def test_a_preview_belongs_to_the_coordinator_who_uploaded_it(client, coordinator, foundation_run, people):
    client.force_login(coordinator)
    location = upload(client, day(foundation_run, 1))["Location"]
    other = UserFactory(full_name="Colin Coordinator")
    grant_role(other, Role.COORDINATOR)
    client.force_login(other)

    response = client.post(location, {"action": "confirm"})

    assert response.status_code == 302 and response["Location"].endswith("/zoom/")
    assert not AttendanceMark.objects.exists()


def test_a_report_with_a_broken_time_imports_nothing(client, coordinator, foundation_run, people):
    client.force_login(coordinator)
    response = upload(client, day(foundation_run, 1),
                      HEADER + "Pat,pat@example.org,sometime,06/21/2022 04:31:00 PM,183,No\r\n")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported." in page and "Row 2: Join Time &#x27;sometime&#x27; is not a date and time." in page


def test_a_report_missing_a_column_names_it(client, coordinator, foundation_run, people):
    client.force_login(coordinator)
    response = upload(client, day(foundation_run, 1), "Name,Join Time,Leave Time\r\nPat,x,y\r\n")
    assert "The report has no User Email column." in response.content.decode()


@override_settings(ZOOM_REPORT_MAX_BYTES=1024)
def test_a_report_larger_than_the_setting_is_refused(client, coordinator, foundation_run, people):
    client.force_login(coordinator)
    response = upload(client, day(foundation_run, 1), REPORT + "x" * 2048)
    assert response.status_code == 400
    assert "reports up to 1 KB can be uploaded" in response.content.decode()


def test_a_spreadsheet_is_not_a_csv(client, coordinator, foundation_run, people):
    client.force_login(coordinator)
    response = upload(client, day(foundation_run, 1), b"PK\x03\x04\x14\x00 workbook", name="report.xlsx")
    assert "The file is not a CSV file." in response.content.decode()


def test_a_closed_register_needs_a_reason_to_import(client, coordinator, trainer, foundation_run, people):
    first = day(foundation_run, 1)
    services.close_register(day=first, actor=trainer)
    client.force_login(coordinator)
    location = upload(client, first)["Location"]

    refused = client.post(location, {"action": "confirm"})
    assert "Say why a closed register is being changed." in refused.content.decode()
    assert not AttendanceMark.objects.exists()

    client.post(location, {"action": "confirm", "reason": "Zoom report arrived after closing"})
    assert AttendanceMark.objects.count() == 4
    assert set(AuditEntry.objects.filter(action="attendance.mark.recorded").values_list("reason", flat=True)) == {
        "Zoom report arrived after closing"}


def test_the_run_trainer_cannot_import(client, trainer, foundation_run):
    client.force_login(trainer)
    assert client.get(reverse("attendance:zoom_upload", args=[day(foundation_run, 1).pk])).status_code == 403


# --- issue 8: zones, dates, the rule, merging, staff, and large reports ---------------------------

def test_the_zone_defaults_to_the_coordinators_own_and_the_one_chosen_is_remembered(
        client, coordinator, foundation_run, people):
    first = day(foundation_run, 1)
    coordinator.time_zone = "Europe/Dublin"
    coordinator.save(update_fields=["time_zone"])
    client.force_login(coordinator)
    assert client.get(reverse("attendance:zoom_upload", args=[first.pk])).context["form"]["zone"].value() == "Europe/Dublin"

    upload(client, first, zone="America/New_York")

    coordinator.refresh_from_db()
    assert coordinator.zoom_report_zone == "America/New_York"
    form = client.get(reverse("attendance:zoom_upload", args=[first.pk])).context["form"]
    assert form["zone"].value() == "America/New_York"
    assert AuditEntry.objects.filter(action="accounts.user.zoom_report_zone_changed").count() == 1


def test_a_report_is_read_in_the_zoom_accounts_zone_not_the_courses(client, coordinator, foundation_run, people):
    # A New York account's report: 4:30am to 11:30am there is the course's 9:30am to 4:30pm.
    client.force_login(coordinator)
    report = HEADER + "Pat,pat@example.org,06/21/2022 04:30:00 AM,06/21/2022 11:30:00 AM,420,No\r\n"

    preview = client.get(upload(client, day(foundation_run, 1), report, zone="America/New_York")["Location"])

    assert outcomes(preview)[people["pat"].pk] == ("present", 0)
    assert "9:30am to 4:30pm" in preview.content.decode()


def test_an_unknown_zone_is_refused_and_nothing_is_kept(client, coordinator, foundation_run, people):
    client.force_login(coordinator)
    response = upload(client, day(foundation_run, 1), zone="Mars/Olympus_Mons")
    assert response.status_code == 400
    assert "Choose a time zone from the list, such as Europe/London." in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.zoom_report_zone == ""


def test_a_date_that_reads_two_ways_is_reported_on_its_row_and_the_coordinator_can_say_how(
        client, coordinator, foundation_run, people):
    client.force_login(coordinator)
    report = HEADER + "Pat,pat@example.org,06/07/2022 09:30,06/07/2022 16:30,420,No\r\n"

    refused = upload(client, day(foundation_run, 1), report)

    assert refused.status_code == 400
    assert ("Row 2: Join Time &#x27;06/07/2022 09:30&#x27; could be 7 June 2022 or 6 July 2022"
            in refused.content.decode())
    accepted = upload(client, day(foundation_run, 1), report, date_order="month_first")
    assert accepted.status_code == 302


def test_the_preview_states_the_rule_and_proposes_late_or_left_early_where_the_minutes_say_so(
        client, coordinator, foundation_run, people):
    # Lena was there 10:15 to 4pm: 285 of 360 minutes, under the 80% (288) the day needs. She was
    # late and left early, not absent; the day does not count.
    client.force_login(coordinator)
    report = (HEADER + "Lena Late,lena@example.org,06/21/2022 10:15:00 AM,06/21/2022 04:00:00 PM,345,No\r\n"
              + "Pat,pat@example.org,06/21/2022 09:30:00 AM,06/21/2022 12:00:00 PM,150,No\r\n")

    preview = client.get(upload(client, day(foundation_run, 1), report)["Location"])

    assert outcomes(preview)[people["lena"].pk] == ("late", 75)
    assert outcomes(preview)[people["pat"].pk] == ("left_early", 210)
    page = " ".join(preview.content.decode().split())
    assert "Teaching is 9:30am to 4:30pm, less a 60-minute break taken in the middle of the day: 360 minutes." in page
    assert "The day counts towards the level with at least 80% of the teaching: 288 minutes." in page
    assert "The day does not count: under 288 minutes." in page
    assert '<td class="num">285</td>' in page and '<td class="num">150</td>' in page


def test_rows_from_two_devices_at_once_are_merged_and_the_preview_says_so(client, coordinator, foundation_run,
                                                                         people):
    client.force_login(coordinator)
    report = (HEADER + "Pat,pat@example.org,06/21/2022 09:28:00 AM,06/21/2022 04:31:00 PM,423,No\r\n"
              + "Pat (phone),pat@example.org,06/21/2022 10:00:00 AM,06/21/2022 11:00:00 AM,60,No\r\n")

    preview = client.get(upload(client, day(foundation_run, 1), report)["Location"])

    assert outcomes(preview)[people["pat"].pk] == ("present", 0)
    page = " ".join(preview.content.decode().split())
    assert "9:28am to 4:31pm" in page and "10am to 11am" not in page
    assert "Merged: 1 row overlapped another of theirs (two devices at once), and counts once." in page


def test_the_runs_trainer_and_the_meeting_host_are_recognised_not_listed_as_unmatched(
        client, coordinator, foundation_run, people):
    client.force_login(coordinator)
    report = REPORT + "NVR Team,host@example.org,06/21/2022 09:15:00 AM,06/21/2022 04:41:00 PM,446,No\r\n"

    preview = client.get(upload(client, day(foundation_run, 1), report)["Location"])

    page = " ".join(preview.content.decode().split())
    assert "Tom Trainer (tom@example.org): a trainer of this run" in page
    assert "NVR Team (host@example.org): the meeting's host" in page
    assert [a.name for a in preview.context["unknown"]] == ["Sam's iPad"]
    assert "Tom Trainer, tom@example.org" not in page  # not offered as anyone on the register


def _post_as_the_page_stands(client, location, response, **extra):
    """Post the preview's form with every field as the page shows it, as a browser would."""
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    return client.post(location, {**data, **extra})


def test_a_report_with_over_a_thousand_unmatched_rows_can_be_saved(client, coordinator, foundation_run, people):
    guests = "".join(f"Guest {n},guest{n}@elsewhere.example,06/21/2022 09:30:00 AM,06/21/2022 04:30:00 PM,420,Yes\r\n"
                     for n in range(1_200))
    client.force_login(coordinator)
    location = upload(client, day(foundation_run, 1), REPORT + guests)["Location"]
    preview = client.get(location)
    assert preview.context["unknown_count"] == 1_201

    response = _post_as_the_page_stands(client, location, preview, action="confirm")

    assert response.status_code == 302, response.content[:500]
    assert AttendanceMark.objects.filter(day=day(foundation_run, 1)).count() == 4


def test_the_report_is_kept_on_the_server_not_in_the_session(client, coordinator, foundation_run, people):
    client.force_login(coordinator)
    upload(client, day(foundation_run, 1))
    assert "Sam's iPad" not in str(dict(client.session))


@pytest.mark.parametrize("persona", ["anonymous", "participant", "outsider", "trainer"])
def test_only_the_coordinator_may_upload_or_save_a_report(client, request, coordinator, foundation_run, people,
                                                          persona):
    first = day(foundation_run, 1)
    client.force_login(coordinator)
    location = upload(client, first)["Location"]  # the coordinator's preview, waiting
    client.logout()
    if persona != "anonymous":
        user = request.getfixturevalue(persona)
        client.force_login(user)

    uploaded = upload(client, first, zone="Asia/Tokyo")
    confirmed = client.post(location, {"action": "confirm"})

    for response in (uploaded, confirmed):
        if persona == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
        else:
            assert response.status_code == 403
    assert not AttendanceMark.objects.exists()
    assert not User.objects.filter(zoom_report_zone="Asia/Tokyo").exists()
    client.force_login(coordinator)
    assert client.get(location).status_code == 200  # still waiting for the coordinator


def test_with_many_unknown_people_the_coordinator_types_a_row_number(client, coordinator, foundation_run, people):
    guests = "".join(f"Guest {n},guest{n}@elsewhere.example,06/21/2022 09:30:00 AM,06/21/2022 04:30:00 PM,420,Yes\r\n"
                     for n in range(250))
    client.force_login(coordinator)
    location = upload(client, day(foundation_run, 1), REPORT + guests)["Location"]
    sam = f"who_{people['sam'].pk}"
    assert 'type="number"' in client.get(location).content.decode()

    refused = client.post(location, {"action": "update", sam: "3"})  # Pat's own row
    assert refused.status_code == 400
    assert "Row 3 is not one of the rows that match nobody on the register." in refused.content.decode()

    response = client.post(location, {"action": "update", sam: "8"}, follow=True)
    assert outcomes(response)[people["sam"].pk] == ("present", 0)
