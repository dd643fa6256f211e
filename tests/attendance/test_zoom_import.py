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


def upload(client, training_day, text: str | bytes = REPORT, name: str = "participants.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(reverse("attendance:zoom_upload", args=[training_day.pk]),
                       {"report": SimpleUploadedFile(name, data, content_type="text/csv")})


def test_uploading_shows_a_preview_and_saves_nothing(client, coordinator, foundation_run, people):
    first = day(foundation_run, 1)
    client.force_login(coordinator)

    response = upload(client, first)

    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert not AttendanceMark.objects.exists() and not AuditEntry.objects.filter(action__startswith="attendance").exists()
    lines = {line["row"].booking.pk: line["outcome"] for line in preview.context["lines"]}
    assert lines == {people["pat"].pk: ("present", 0), people["lena"].pk: ("late", 30),
                     people["sam"].pk: ("absent", 0), people["kim"].pk: ("absent", 0)}
    page = preview.content.decode()
    assert "Nothing has been saved yet." in page
    assert "Row 8: Sam&#x27;s iPad" in page and "Row 9: Tom Trainer" in page


def test_confirming_saves_every_proposed_mark_at_once_from_zoom(client, coordinator, foundation_run, people):
    first = day(foundation_run, 1)
    client.force_login(coordinator)
    location = upload(client, first)["Location"]

    response = client.post(location, {"action": "confirm", "row_8": str(people["sam"].pk), "row_9": "ignore"},
                           follow=True)

    assert "4 marks saved from the Zoom report." in response.content.decode()
    marks = {m.booking_id: (m.status, m.minutes_missed, m.source) for m in AttendanceMark.objects.filter(day=first)}
    assert marks == {
        people["pat"].pk: ("present", 0, MarkSource.ZOOM), people["lena"].pk: ("late", 30, MarkSource.ZOOM),
        people["sam"].pk: ("present", 0, MarkSource.ZOOM), people["kim"].pk: ("absent", 0, MarkSource.ZOOM),
    }
    assert AuditEntry.objects.filter(action="attendance.mark.recorded").count() == 4


def test_unmatched_rows_must_be_decided_before_saving(client, coordinator, foundation_run, people):
    client.force_login(coordinator)
    location = upload(client, day(foundation_run, 1))["Location"]

    response = client.post(location, {"action": "confirm", "row_8": str(people["sam"].pk)})

    assert response.status_code == 400
    assert "Choose who this row is, or ignore it." in response.content.decode()
    assert not AttendanceMark.objects.exists()


def test_deciding_a_row_updates_the_proposal_without_saving(client, coordinator, foundation_run, people):
    client.force_login(coordinator)
    location = upload(client, day(foundation_run, 1))["Location"]

    response = client.post(location, {"action": "update", "row_8": str(people["sam"].pk)}, follow=True)

    lines = {line["row"].booking.pk: line["outcome"] for line in response.context["lines"]}
    assert lines[people["sam"].pk] == ("present", 0)
    assert response.context["form"]["row_8"].value() == str(people["sam"].pk)  # remembered
    assert not AttendanceMark.objects.exists()


def test_someone_already_marked_but_not_in_the_report_is_left_as_marked(client, coordinator, trainer,
                                                                        foundation_run, people):
    first = day(foundation_run, 1)
    services.record_marks(day=first, marks=[services.MarkInput(people["kim"].pk, MarkStatus.PRESENT)],
                          actor=trainer)
    client.force_login(coordinator)
    location = upload(client, first)["Location"]

    client.post(location, {"action": "confirm", "row_8": "ignore", "row_9": "ignore"})

    kim = AttendanceMark.objects.get(day=first, booking=people["kim"])
    assert (kim.status, kim.source) == ("present", MarkSource.REGISTER)


def test_a_confirmed_preview_cannot_be_saved_twice(client, coordinator, foundation_run, people):
    client.force_login(coordinator)
    location = upload(client, day(foundation_run, 1))["Location"]
    client.post(location, {"action": "confirm", "row_8": "ignore", "row_9": "ignore"})

    response = client.post(location, {"action": "confirm", "row_8": "ignore", "row_9": "ignore"}, follow=True)

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

    refused = client.post(location, {"action": "confirm", "row_8": "ignore", "row_9": "ignore"})
    assert "Say why a closed register is being changed." in refused.content.decode()
    assert not AttendanceMark.objects.exists()

    client.post(location, {"action": "confirm", "row_8": "ignore", "row_9": "ignore",
                           "reason": "Zoom report arrived after closing"})
    assert AttendanceMark.objects.count() == 4
    assert set(AuditEntry.objects.filter(action="attendance.mark.recorded").values_list("reason", flat=True)) == {
        "Zoom report arrived after closing"}


def test_the_run_trainer_cannot_import(client, trainer, foundation_run):
    client.force_login(trainer)
    assert client.get(reverse("attendance:zoom_upload", args=[day(foundation_run, 1).pk])).status_code == 403
