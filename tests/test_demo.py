from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.management import call_command

from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.bookings.models import Booking
from trainingdesk.catalogue.models import CourseRun, RunStatus
from trainingdesk.invoicing.models import Invoice


def test_load_demo_loads_the_brochures_summer_2022_run_exactly(db, capsys):
    call_command("load_demo")
    summer = CourseRun.objects.get(title="Summer 2022")
    days = list(summer.days.order_by("number"))
    assert [d.date for d in days] == [dt.date(2022, 6, 21), dt.date(2022, 6, 22),
                                      dt.date(2022, 6, 23), dt.date(2022, 9, 15)]
    assert {(d.arrival_time, d.start_time, d.finish_time, d.break_minutes) for d in days} == {
        (dt.time(9), dt.time(9, 30), dt.time(16, 30), 60)}
    assert summer.where == "Online via Zoom"
    assert sorted(o.net_amount for o in summer.options.all()) == [Decimal("500.00"), Decimal("660.00")]
    assert summer.level.accreditation == "NVRA Level 1" and summer.level.days_required == 4
    advanced = summer.level.leads_to.get(slug="advanced")
    assert (advanced.accreditation, advanced.days_required, advanced.prerequisite_within_months) == (
        "NVRA Level 2", 6, 24)
    upcoming = CourseRun.objects.filter(status=RunStatus.PUBLISHED, level=summer.level,
                                        days__date__gt=dt.date.today()).exclude(pk=summer.pk)
    assert upcoming.distinct().count() == 3
    assert summer.level.leads_to.get(slug="group-hybrid").requires_approved_application
    assert "coordinator@example.org" in capsys.readouterr().out


def test_the_demo_has_a_booked_participant_and_one_with_a_confirmation(db):
    call_command("load_demo")
    summer = CourseRun.objects.get(title="Summer 2022")
    assert Booking.objects.filter(run=summer).count() == 2
    invoice = Invoice.objects.get(bookings__participant__email="participant@example.org")
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (
        Decimal("660.00"), Decimal("132.00"), Decimal("792.00"))
    assert AttendanceConfirmation.objects.get(booking__run=summer).holder_name == "Sam Okafor"


def test_loading_the_demo_twice_changes_nothing(db, capsys):
    from trainingdesk.accounts.models import User
    from trainingdesk.coursework.models import Portfolio
    from trainingdesk.supervision.models import SessionMark

    def counts() -> tuple[int, ...]:
        return tuple(model.objects.count() for model in (CourseRun, Booking, Invoice, User, Portfolio,
                                                         AttendanceConfirmation, SessionMark))

    call_command("load_demo")
    first = counts()
    capsys.readouterr()
    call_command("load_demo")
    assert counts() == first
    assert "Summer 2022 and 3 upcoming runs." in capsys.readouterr().out  # not the past ones


def test_the_demo_prints_its_logins_at_the_address_it_serves(db, capsys, settings):
    settings.SITE_URL = "http://127.0.0.1:8101"  # what `make demo PORT=8101` sets
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8101/accounts/sign-in/" in out
    assert ":8000" not in out



def test_each_demo_login_has_a_password_that_names_its_role(db, capsys):
    from trainingdesk.accounts.models import User
    from trainingdesk.catalogue import demo as catalogue_demo

    call_command("load_demo")
    out = capsys.readouterr().out
    assert f"{catalogue_demo.TRAINER_EMAIL} / nvr-demo-trainer" in out
    assert User.objects.get(email=catalogue_demo.TRAINER_EMAIL).check_password("nvr-demo-trainer")


def test_the_demo_has_a_supervision_group_for_summer_2022_with_sam_in_it(db, capsys):
    from zoneinfo import ZoneInfo

    from trainingdesk.accounts.models import User
    from trainingdesk.supervision.models import Allocation, SupervisionSession

    call_command("load_demo")
    assert "supervisor@example.org / nvr-demo-supervisor" in capsys.readouterr().out
    assert User.objects.get(email="supervisor@example.org").check_password("nvr-demo-supervisor")
    allocation = Allocation.objects.get(group__runs__title="Summer 2022")
    assert allocation.booking.participant.email == "sam@example.org"
    starts = [s.starts_at.astimezone(ZoneInfo("Europe/London"))
              for s in SupervisionSession.objects.filter(group=allocation.group).order_by("starts_at")]
    assert (starts[0].date(), starts[-1].date()) == (dt.date(2022, 10, 18), dt.date(2023, 8, 22))
    assert {s.time() for s in starts} == {dt.time(19, 0)}


def test_the_demo_has_morgan_with_both_confirmations_12_hours_and_an_open_portfolio(db, capsys):
    """Issue 11's participant: Foundation and Advanced attended (the Advanced level's last day
    about 5 months ago), every session of their supervision group attended, the portfolio open
    with about 7 months left and nothing in it: the demo's visitor writes it."""
    from trainingdesk.accounts.models import User
    from trainingdesk.coursework.models import PortfolioStatus
    from trainingdesk.coursework.services import due_date
    from trainingdesk.supervision.models import Allocation
    from trainingdesk.supervision.services import minutes_present

    call_command("load_demo")
    assert "morgan@example.org / nvr-demo-participant" in capsys.readouterr().out
    morgan = User.objects.get(email="morgan@example.org")
    assert morgan.check_password("nvr-demo-participant") and morgan.full_name == "Morgan Reyes"
    portfolio = morgan.portfolios.get()
    assert (portfolio.level.slug, portfolio.status) == ("advanced", PortfolioStatus.OPEN)
    assert not portfolio.pieces.exists() and not portfolio.submissions.exists()
    today = dt.date.today()
    assert 140 <= (today - portfolio.completed_on).days <= 170
    assert 190 <= (due_date(portfolio) - today).days <= 230
    assert sorted(morgan.attendance_confirmations.values_list("level__slug", flat=True)) == [
        "advanced", "foundation"]
    allocation = Allocation.objects.get(booking__participant=morgan)
    assert all(session.ends_at.date() < today for session in allocation.group.sessions.all())
    assert minutes_present([allocation]) == {allocation.pk: 12 * 60}


def test_the_demo_has_an_assessor_and_a_moderator_who_may_mark_morgan_s_coursework(db, capsys):
    from trainingdesk.accounts.models import Role, User
    from trainingdesk.coursework.services import conflict_of_interest, markers

    call_command("load_demo")
    out = capsys.readouterr().out
    portfolio = User.objects.get(email="morgan@example.org").portfolios.get()
    for email, password in (("assessor@example.org", "nvr-demo-assessor"),
                            ("moderator@example.org", "nvr-demo-moderator")):
        assert f"{email} / {password}" in out
        marker = User.objects.get(email=email)
        assert marker.check_password(password) and marker.has_role(Role.ASSESSOR)
        assert marker in markers() and conflict_of_interest(marker, portfolio) is None
