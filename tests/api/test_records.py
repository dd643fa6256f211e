"""Records through the API (attendance, confirmations, certificates, applications, supervision),
for each kind of caller: who reads which record, that nobody else learns it exists (404) and
that no read changes anything.

The records are made through the real services on a run of 2022 (Foundation, four days, the
trainer Tom): Pat's place paid by the employer, Oscar's self-paid, Quinn's paid by the other
employer, everyone present every day (three confirmations), all three in the Tuesday
supervision group (Pat present at its first session, Oscar absent). Pat then applies for
Advanced (approved by the records), attends it and gets the certificate; Quinn's application
waits for the coordinator; Oscar's is a draft.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.admissions.conftest import (  # noqa: F401 - fixtures
    advanced,
    advanced_run,
    foundation,
)
from tests.api.conftest import ALL, BOOKINGS_SEEN, KINDS, Api, World, assert_problem
from tests.attendance.conftest import AFTER_THE_LAST_DAY, BOOKED_AT, DAYS
from tests.certificates.conftest import (  # noqa: F401 - programme is a fixture
    ISSUED_AT,
    own_supervisor,
    passed_portfolio,
    programme,
)
from tests.coursework.conftest import completed_advanced
from tests.factories import CourseRunFactory, PriceOptionFactory, UserFactory
from trainingdesk.accounts.models import Organisation, User
from trainingdesk.admissions import services as admissions
from trainingdesk.admissions.models import Application
from trainingdesk.api import services as tokens
from trainingdesk.attendance import services as attendance
from trainingdesk.attendance.models import AttendanceConfirmation, AttendanceMark
from trainingdesk.audit.models import AuditEntry
from trainingdesk.bookings.models import Booking
from trainingdesk.bookings.services import PayerDetails, book
from trainingdesk.catalogue.models import CourseRun, Level, PriceOption, Programme
from trainingdesk.certificates import services as certificates
from trainingdesk.certificates.models import Certificate, StatusListEntry
from trainingdesk.lib.verification import verification_url
from trainingdesk.supervision import services as supervision
from trainingdesk.supervision.models import (
    Allocation,
    SessionMark,
    SupervisionGroup,
    Supervisor,
)

AFTER_TRAINING = dt.datetime(2022, 9, 20, 9, 0, tzinfo=dt.UTC)
AFTER_FIRST_SESSION = dt.datetime(2022, 10, 19, 9, 0, tzinfo=dt.UTC)
KINDS_AND_TRAINER = [*KINDS, "trainer"]


@dataclass
class Records:
    tokens: dict[str, str | None]
    run: CourseRun  # Summer 2022
    option: PriceOption
    group: SupervisionGroup
    bookings: dict[str, Booking]  # "pats", "oscars", "quinns" on Summer 2022; "pats_advanced"
    confirmations: dict[str, AttendanceConfirmation]
    applications: dict[str, Application]
    certificate: Certificate  # Pat's


def _booked(run: CourseRun, option: PriceOption, person: User,
            organisation: Organisation | None = None) -> Booking:
    payer = (PayerDetails(payer="employer", organisation_id=organisation.pk) if organisation
             else PayerDetails(billing_name=person.full_name, billing_address="1 Street",
                               invoice_email=person.email))
    with time_machine.travel(BOOKED_AT, tick=False):
        return book(participant=person, run_id=run.pk, option_id=option.pk, payer=payer,
                    now=BOOKED_AT)


def _attend(run: CourseRun, bookings: list[Booking], trainer: User) -> None:
    with time_machine.travel(AFTER_THE_LAST_DAY, tick=False):
        for day in run.days.order_by("number"):
            attendance.record_marks(day=day, actor=trainer, marks=[
                attendance.MarkInput(b.pk, "present") for b in bookings])


def _allocate(group: SupervisionGroup, bookings: list[Booking], coordinator: User) -> list[Allocation]:
    with time_machine.travel(AFTER_TRAINING, tick=False):
        return [supervision.allocate(booking=b, group=group, actor=coordinator, now=AFTER_TRAINING)
                for b in bookings]


def _apply(person: User, level: Level, *, submit: bool = True) -> Application:
    with time_machine.travel(dt.datetime(2022, 10, 1, 9, tzinfo=dt.UTC), tick=False):
        application = admissions.start_application(participant=person, level=level)
        if submit:
            admissions.save_draft(application=application, actor=person, answers=admissions.Answers(
                registration_body="HCPC", registration_number="PYL12345"))
            admissions.submit(application=application, actor=person)
    application.refresh_from_db()
    return application


@pytest.fixture
def records(world: World, participant: User, other_participant: User, coordinator: User,
            trainer: User, supervisor_user: User, employer: Organisation,
            other_employer: Organisation, foundation: Level, advanced: Level,  # noqa: F811
            advanced_run: CourseRun, programme: Programme) -> Records:  # noqa: F811
    foundation.supervision_hours = 12
    foundation.save()
    run = CourseRunFactory(level=foundation, title="Summer 2022", capacity=30, days=DAYS,
                           booking_closes_at=dt.datetime(2022, 6, 14, tzinfo=dt.UTC))
    run.trainers.add(trainer)
    option = PriceOptionFactory(run=run, net_amount=Decimal("660"), supervision_hours=12)
    quinn = world.quinns_booking.participant
    bookings = {"pats": _booked(run, option, participant, employer),
                "oscars": _booked(run, option, other_participant),
                "quinns": _booked(run, option, quinn, other_employer)}
    _attend(run, list(bookings.values()), trainer)

    group = SupervisionGroup.objects.create(
        name="Tuesday evenings", level=foundation, capacity=8, weekday=1,
        supervisor=Supervisor.objects.create(user=supervisor_user, accreditation="NVRA"),
        start_time=dt.time(19, 0), time_zone="Europe/London",
        joining_link="https://zoom.us/j/1234567890")
    group.runs.add(run)
    supervision.plan_sessions(group=group, actor=coordinator)
    pats, oscars, _ = _allocate(group, list(bookings.values()), coordinator)
    supervision.record_session_marks(session=group.sessions.order_by("starts_at").first(),
                                     present={pats.pk: True, oscars.pk: False}, actor=coordinator,
                                     now=AFTER_FIRST_SESSION)

    bookings["pats_advanced"] = completed_advanced(advanced_run, participant, trainer)
    own_supervisor(bookings["pats_advanced"])
    passed_portfolio(participant, advanced)
    certificate = certificates.issue_if_due(participant=participant, programme=programme,
                                            now=ISSUED_AT)
    assert certificate is not None
    applications = {"pats": Application.objects.get(participant=participant),
                    "quinns": _apply(quinn, advanced),
                    "oscars": _apply(other_participant, advanced, submit=False)}
    assert applications["pats"].status == "approved"
    assert applications["quinns"].status in {"submitted", "approved"}
    trainer_token = tokens.create_token(actor=trainer, user=trainer, name="LMS", scopes=ALL).secret
    return Records(
        tokens={**world.tokens, "trainer": trainer_token}, run=run, option=option, group=group,
        bookings=bookings,
        confirmations={whose: AttendanceConfirmation.objects.get(booking=bookings[whose])
                       for whose in ("pats", "oscars", "quinns")},
        applications=applications, certificate=certificate)


def _state() -> tuple[int, ...]:
    """What no read may change."""
    return (AttendanceMark.objects.count(), AttendanceConfirmation.objects.count(),
            Certificate.objects.count(), StatusListEntry.objects.count(),
            Application.objects.count(), Allocation.objects.count(), SessionMark.objects.count(),
            AuditEntry.objects.count(), Booking.objects.count())


def _refused(api: Api, path: str, token: str | None, status: int) -> dict[str, Any]:
    """The answer is a refusal, naming nothing of the record, and nothing changed."""
    before = _state()
    body = assert_problem(api.get(path, token), status)
    assert _state() == before
    for secret in ("Pat", "Oscar", "Quinn", "Tuesday"):
        assert secret not in body["detail"]
    return body


def _read(api: Api, path: str, token: str | None) -> Any:
    before = _state()
    response = api.get(path, token)
    assert response.status_code == 200, response.content
    assert _state() == before
    return response.json()


# --- attendance ------------------------------------------------------------------------------

MARKS_SEEN = {
    "participant": {"pats", "pats_advanced"},
    "other_participant": {"oscars"},
    "employer": {"pats"},
    "other_employer": {"quinns"},
    "coordinator": {"pats", "oscars", "quinns", "pats_advanced"},
    "trainer": set(),  # a trainer's own token sees their own bookings' marks, of which none
}


@pytest.mark.parametrize("kind", KINDS_AND_TRAINER)
def test_each_token_lists_only_the_marks_of_bookings_it_may_see(api: Api, records: Records, kind):
    if kind == "anonymous":
        _refused(api, "attendance", None, 401)
        return
    items = _read(api, "attendance?limit=100", records.tokens[kind])["items"]
    assert {m["booking"] for m in items} == {records.bookings[w].reference for w in MARKS_SEEN[kind]}
    for whose in MARKS_SEEN[kind] & {"pats", "oscars", "quinns"}:
        days = [m for m in items if m["booking"] == records.bookings[whose].reference]
        assert sorted(m["day_number"] for m in days) == [1, 2, 3, 4]
        assert {m["status"] for m in days} == {"present"}


@pytest.mark.parametrize("kind", KINDS_AND_TRAINER)
def test_a_run_s_attendance_is_for_its_trainers_and_the_coordinator_only(api: Api, records: Records,
                                                                       kind):
    path = f"runs/{records.run.pk}/attendance?limit=100"
    if kind == "anonymous":
        _refused(api, path, None, 401)
    elif kind in {"trainer", "coordinator"}:
        items = _read(api, path, records.tokens[kind])["items"]
        assert len(items) == 12
        assert {m["run_id"] for m in items} == {records.run.pk}
        assert dt.datetime.fromisoformat(items[0]["starts_at"]).tzinfo is not None
    else:
        _refused(api, path, records.tokens[kind], 404)


def test_another_run_s_trainer_and_an_unknown_run_get_404(api, records, coordinator):
    other = UserFactory()
    from trainingdesk.accounts.models import Role
    from trainingdesk.accounts.roles import grant_role
    grant_role(other, Role.TRAINER)
    token = tokens.create_token(actor=other, user=other, name="LMS", scopes=ALL).secret
    _refused(api, f"runs/{records.run.pk}/attendance", token, 404)
    _refused(api, "runs/2147483647/attendance", records.tokens["coordinator"], 404)


def test_since_gives_only_the_marks_recorded_after_a_time(api, records):
    token = records.tokens["coordinator"]
    after = quote(AFTER_THE_LAST_DAY.isoformat())
    items = _read(api, f"attendance?since={after}&limit=100", token)["items"]
    assert {m["booking"] for m in items} == {records.bookings["pats_advanced"].reference}
    by_booking = _read(api, f"attendance?booking={records.bookings['oscars'].reference}", token)
    assert len(by_booking["items"]) == 4
    assert_problem(api.get("attendance?since=2022-01-01T10:00:00", token), 422)
    # An offset PostgreSQL would refuse is read in UTC; a time that cannot be is refused.
    assert api.get(f"attendance?since={quote('0277-01-30T17:03:09-22:54')}", token).status_code == 200
    assert_problem(api.get(f"attendance?since={quote('0001-01-01T00:00:00+01:00')}", token), 422)


# --- confirmations and certificates ----------------------------------------------------------

CONFIRMATIONS_SEEN = {**BOOKINGS_SEEN, "trainer": set()}  # records of a booking


@pytest.mark.parametrize("kind", KINDS_AND_TRAINER)
def test_each_token_lists_only_the_confirmations_it_may_see(api: Api, records: Records, kind):
    if kind == "anonymous":
        _refused(api, "confirmations", None, 401)
        return
    items = _read(api, "confirmations", records.tokens[kind])["items"]
    codes = {c["code"] for c in items}
    expected = {records.confirmations[w].code for w in CONFIRMATIONS_SEEN[kind]}
    assert expected <= codes
    # Pat's own token also sees the confirmations of Pat's other levels (self-paid).
    if kind != "participant" and kind != "coordinator":
        assert codes == expected


@pytest.mark.parametrize("kind", KINDS_AND_TRAINER)
@pytest.mark.parametrize("whose", ["pats", "oscars", "quinns"])
def test_each_token_reads_a_confirmation_it_may_see_and_gets_404_for_another(
        api: Api, records: Records, kind, whose):
    confirmation = records.confirmations[whose]
    path = f"confirmations/{confirmation.code}"
    if kind == "anonymous":
        _refused(api, path, None, 401)
    elif whose in CONFIRMATIONS_SEEN[kind]:
        body = _read(api, path, records.tokens[kind])
        assert body["code"] == confirmation.code and body["status"] == "valid"
        assert body["booking"] == records.bookings[whose].reference
        assert body["verification_url"] == verification_url(confirmation.code)
        assert [d["number"] for d in body["days"]] == [1, 2, 3, 4]
        assert body["hours_attended"] == f"{confirmation.hours_attended:.2f}"
    else:
        _refused(api, path, records.tokens[kind], 404)


def test_a_confirmation_links_its_credential_only_where_its_provider_issues_badges(api, records):
    provider = records.run.level.programme.provider
    token = records.tokens["participant"]
    code = records.confirmations["pats"].code
    for badges in (False, True):
        provider.open_badges_for_confirmations = badges
        provider.save()
        body = _read(api, f"confirmations/{code}", token)
        if badges:
            assert body["credential_url"].endswith(f"/verify/{code}/credential.json")
        else:
            assert body["credential_url"] is None


CERTIFICATE_SEEN = {"participant", "employer", "coordinator"}  # Pat's, and Pat's employer's


@pytest.mark.parametrize("kind", KINDS_AND_TRAINER)
def test_each_token_reads_the_certificate_only_if_it_may_see_its_holder(api: Api, records: Records,
                                                                        kind):
    code = records.certificate.code
    if kind == "anonymous":
        _refused(api, "certificates", None, 401)
        _refused(api, f"certificates/{code}", None, 401)
        return
    listed = _read(api, "certificates", records.tokens[kind])["items"]
    if kind in CERTIFICATE_SEEN:
        assert [c["code"] for c in listed] == [code]
        body = _read(api, f"certificates/{code}", records.tokens[kind])
        assert body == listed[0]
        assert body["holder_name"] == "Pat Participant" and body["status"] == "valid"
        assert body["verification_url"] == verification_url(code)
        assert body["credential_url"].endswith(f"/verify/{code}/credential.json")
        assert [level["name"] for level in body["levels"]] == ["Foundation", "Advanced"]
        assert "credential" not in body
    else:
        assert listed == []
        _refused(api, f"certificates/{code}", records.tokens[kind], 404)


def test_the_certificate_s_credential_link_gives_the_credential_as_issued(api, records, client):
    body = _read(api, f"certificates/{records.certificate.code}", records.tokens["participant"])
    assert body["credential_url"].startswith(settings.SITE_URL)
    credential = client.get(body["credential_url"].removeprefix(settings.SITE_URL)).json()
    assert credential == records.certificate.credential


def test_certificates_filter_by_when_they_were_issued(api, records):
    token = records.tokens["coordinator"]
    after = quote((ISSUED_AT + dt.timedelta(seconds=1)).isoformat())
    assert _read(api, f"certificates?issued_after={after}", token)["items"] == []
    before = quote((ISSUED_AT + dt.timedelta(seconds=1)).isoformat())
    assert len(_read(api, f"certificates?issued_before={before}", token)["items"]) == 1
    assert_problem(api.get("certificates?issued_after=2024-01-01T00:00:00", token), 422)


# --- applications ----------------------------------------------------------------------------

APPLICATIONS_SEEN = {
    "participant": {"pats"},
    "other_participant": {"oscars"},  # their own draft
    "employer": {"pats"},
    "other_employer": {"quinns"},
    "coordinator": {"pats", "quinns"},  # not Oscar's draft
    "trainer": set(),
}


@pytest.mark.parametrize("kind", KINDS_AND_TRAINER)
@pytest.mark.parametrize("whose", ["pats", "oscars", "quinns"])
def test_each_token_reads_an_application_it_may_see_and_gets_404_for_another(
        api: Api, records: Records, kind, whose):
    application = records.applications[whose]
    path = f"applications/{application.reference}"
    if kind == "anonymous":
        _refused(api, path, None, 401)
        _refused(api, "applications", None, 401)
        return
    listed = {a["reference"] for a in _read(api, "applications", records.tokens[kind])["items"]}
    assert listed == {records.applications[w].reference for w in APPLICATIONS_SEEN[kind]}
    if whose in APPLICATIONS_SEEN[kind]:
        body = _read(api, path, records.tokens[kind])
        assert body["reference"] == application.reference
        assert body["status"] == application.status
        assert set(body) == {"reference", "status", "participant_name", "participant_email",
                             "level_id", "level", "run_id", "created_at", "submitted_at",
                             "decided_at", "decision_reason"}  # no evidence, no answers
    else:
        _refused(api, path, records.tokens[kind], 404)


def test_an_approved_application_shows_when_it_was_decided(api, records):
    body = _read(api, f"applications/{records.applications['pats'].reference}",
                 records.tokens["participant"])
    assert body["status"] == "approved"
    assert body["decided_at"] is not None and body["decided_at"].endswith("+00:00")
    token = records.tokens["coordinator"]
    assert {a["reference"] for a in _read(api, "applications?status=approved", token)["items"]} == {
        records.applications["pats"].reference} | (
        {records.applications["quinns"].reference}
        if records.applications["quinns"].status == "approved" else set())


# --- supervision -----------------------------------------------------------------------------

SUPERVISION_SEEN = CONFIRMATIONS_SEEN


@pytest.mark.parametrize("kind", KINDS_AND_TRAINER)
def test_each_token_lists_only_the_supervision_places_it_may_see(api: Api, records: Records, kind):
    if kind == "anonymous":
        _refused(api, "supervision", None, 401)
        return
    items = _read(api, "supervision", records.tokens[kind])["items"]
    assert {a["booking"] for a in items} == {
        records.bookings[w].reference for w in SUPERVISION_SEEN[kind]}


def test_a_supervision_place_shows_its_group_sessions_presence_and_hours(api, records):
    [place] = _read(api, "supervision", records.tokens["participant"])["items"]
    assert place["group"] == "Tuesday evenings"
    assert place["supervisor_name"] == "Sue Supervisor"
    sessions = place["sessions"]
    assert len(sessions) == records.group.sessions.count() > 1
    assert sessions[0]["present"] is True
    assert all(s["present"] is None for s in sessions[1:])
    first = records.group.sessions.order_by("starts_at").first()
    assert sessions[0]["starts_at"] == first.starts_at.isoformat()
    assert place["minutes_present"] == first.minutes
    assert place["hours_present"] == f"{Decimal(first.minutes) / 60:.2f}"
    [oscars] = _read(api, "supervision", records.tokens["other_participant"])["items"]
    assert oscars["sessions"][0]["present"] is False and oscars["hours_present"] == "0.00"


# --- scopes, and queries a page --------------------------------------------------------------

PATHS = ["attendance", "runs/{run}/attendance", "confirmations", "confirmations/{confirmation}",
         "certificates", "certificates/{certificate}", "applications", "applications/{application}",
         "supervision"]


@pytest.mark.parametrize("path", PATHS)
def test_a_token_without_the_scope_is_refused_every_record(api, records, coordinator, path):
    token = tokens.create_token(actor=coordinator, user=coordinator, name="Bookings only",
                                scopes=["read:bookings", "read:invoices", "read:catalogue"]).secret
    filled = path.format(run=records.run.pk, confirmation=records.confirmations["pats"].code,
                         certificate=records.certificate.code,
                         application=records.applications["pats"].reference)
    body = _refused(api, filled, token, 403)
    assert body["detail"].startswith("This token may not read:")


def _queries(api: Api, path: str, token: str) -> int:
    api.get(path, token)  # the token's last use and the minute's count exist now
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, token)
    assert response.status_code == 200
    return len(queries)


LISTS = ["attendance?limit=100", "runs/{run}/attendance?limit=100", "confirmations?limit=100",
         "certificates?limit=100", "applications?limit=100", "supervision?limit=100"]


def test_a_page_of_many_records_takes_as_many_queries_as_a_page_of_few(api, records, trainer,
                                                                       coordinator, advanced):  # noqa: F811
    token = records.tokens["coordinator"]
    paths = [p.format(run=records.run.pk) for p in LISTS]
    few = {p: _queries(api, p, token) for p in paths}
    people = [UserFactory() for _ in range(6)]
    bookings = [_booked(records.run, records.option, person) for person in people]
    _attend(records.run, bookings, trainer)
    _allocate(records.group, bookings[:4], coordinator)
    for person in people:
        _apply(person, advanced)
    many = {p: _queries(api, p, token) for p in paths}
    assert len(_read(api, "confirmations?limit=100", token)["items"]) >= 9
    assert len(_read(api, "supervision?limit=100", token)["items"]) == 7
    assert many == few
