"""The retention schedule (privacy.apply_retention, run by the periodic command): coursework files
COURSEWORK_FILES_KEEP_DAYS after the coursework was decided, inactive accounts erased after
INACTIVE_ACCOUNT_KEEP_DAYS (never staff, never one with something in progress), invoices kept for
an erased person anonymised after INVOICE_KEEP_YEARS; safe to run twice at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from tests.bookings.test_concurrency import race
from tests.factories import CourseRunFactory, PriceOptionFactory, UserFactory, VatRateFactory
from tests.privacy.conftest import MARKED, SUBMITTING, pay_everything
from trainingdesk.accounts.models import Role, User
from trainingdesk.accounts.roles import grant_role
from trainingdesk.audit.models import AuditEntry
from trainingdesk.bookings.services import PayerDetails, book
from trainingdesk.coursework import services as coursework
from trainingdesk.coursework.models import Outcome, Piece, PortfolioStatus, SubmittedPiece
from trainingdesk.invoicing.models import Invoice, NumberSeries
from trainingdesk.lib.files import private_storage
from trainingdesk.lib.periodic import run_all
from trainingdesk.privacy import services
from trainingdesk.privacy.models import ErasureRequest, ErasureSource, ErasureStatus, FileToDelete


def run_periodic_work_at(moment: dt.datetime, capture) -> None:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        run_all(timezone.now())


def stored_names(portfolio) -> list[str]:
    names = list(Piece.objects.filter(portfolio=portfolio).exclude(file="").values_list("file", flat=True))
    names += SubmittedPiece.objects.filter(submission__portfolio=portfolio).exclude(
        file="").values_list("file", flat=True)
    return sorted(set(names))


def marked(portfolio, coordinator, assessor, outcome=Outcome.PASS):
    from tests.privacy.conftest import complete

    complete(portfolio)
    submission = coursework.submit(portfolio=portfolio, actor=portfolio.participant, now=SUBMITTING)
    coursework.allocate_markers(submission=submission, assessor=assessor, moderator=None,
                                actor=coordinator, now=SUBMITTING)
    parts = list(submission.pieces.all())
    coursework.record_marking(
        submission=submission, actor=assessor, outcome=outcome, feedback="Feedback.",
        parts=[coursework.PartDecision(p.pk, outcome if i == 0 else Outcome.PASS,
                                       "Say more." if outcome == Outcome.REFER and i == 0 else "")
               for i, p in enumerate(parts)], now=MARKED)
    portfolio.refresh_from_db()
    return portfolio


def test_coursework_files_go_the_set_number_of_days_after_it_passed(
        portfolio, coordinator, assessor, settings, django_capture_on_commit_callbacks):
    settings.COURSEWORK_FILES_KEEP_DAYS = 30
    portfolio = marked(portfolio, coordinator, assessor)
    assert portfolio.status == PortfolioStatus.PASSED
    names = stored_names(portfolio)
    assert names and all(private_storage().exists(n) for n in names)
    run_periodic_work_at(MARKED + dt.timedelta(days=29), django_capture_on_commit_callbacks)
    assert stored_names(portfolio) == names and all(private_storage().exists(n) for n in names)
    run_periodic_work_at(MARKED + dt.timedelta(days=31), django_capture_on_commit_callbacks)
    assert stored_names(portfolio) == []
    assert not any(private_storage().exists(n) for n in names)
    assert AuditEntry.objects.filter(action="privacy.coursework_files.deleted").count() == 1
    # The rows stay: what was submitted, marked and written is the record.
    assert SubmittedPiece.objects.filter(submission__portfolio=portfolio).count() == 4


def test_a_file_the_storage_fails_to_delete_is_logged_and_deleted_by_a_later_run(
        portfolio, coordinator, assessor, settings, django_capture_on_commit_callbacks,
        monkeypatch, caplog):
    settings.COURSEWORK_FILES_KEEP_DAYS = 30
    portfolio = marked(portfolio, coordinator, assessor)
    names = stored_names(portfolio)
    storage_class = type(private_storage())
    working_delete = storage_class.delete

    def storage_down(self, name):
        raise OSError("storage unreachable")

    monkeypatch.setattr(storage_class, "delete", storage_down)
    run_periodic_work_at(MARKED + dt.timedelta(days=31), django_capture_on_commit_callbacks)
    assert stored_names(portfolio) == []  # the rows let go of the files...
    assert all(private_storage().exists(n) for n in names)  # ...which the storage still holds
    left = FileToDelete.objects.order_by("name")
    assert [(f.name, f.attempts, f.last_error) for f in left] == [
        (n, 1, "OSError: storage unreachable") for n in names]
    assert "Could not delete the private file" in caplog.text

    monkeypatch.setattr(storage_class, "delete", working_delete)
    run_periodic_work_at(MARKED + dt.timedelta(days=31, minutes=2), django_capture_on_commit_callbacks)
    assert not any(private_storage().exists(n) for n in names)
    assert not FileToDelete.objects.exists()


def test_referred_coursework_keeps_its_files_until_the_resubmission_date_and_the_days_after(
        portfolio, coordinator, assessor, settings, django_capture_on_commit_callbacks):
    settings.COURSEWORK_FILES_KEEP_DAYS = 30
    portfolio = marked(portfolio, coordinator, assessor, outcome=Outcome.REFER)
    assert portfolio.status == PortfolioStatus.REFERRED and portfolio.resubmit_by
    names = stored_names(portfolio)
    last_day = dt.datetime.combine(portfolio.resubmit_by, dt.time(12), tzinfo=dt.UTC)
    run_periodic_work_at(last_day + dt.timedelta(days=29), django_capture_on_commit_callbacks)
    assert stored_names(portfolio) == names
    run_periodic_work_at(last_day + dt.timedelta(days=32), django_capture_on_commit_callbacks)
    assert stored_names(portfolio) == []


def test_an_open_portfolio_keeps_its_files_however_old(portfolio, settings,
                                                       django_capture_on_commit_callbacks):
    from tests.privacy.conftest import complete

    settings.COURSEWORK_FILES_KEEP_DAYS = 1
    complete(portfolio)
    names = stored_names(portfolio)
    run_periodic_work_at(dt.datetime(2030, 1, 1, tzinfo=dt.UTC), django_capture_on_commit_callbacks)
    assert stored_names(portfolio) == names


JOINED = dt.datetime(2018, 1, 10, 9, tzinfo=dt.UTC)


def book_at(run, person, now):
    option = PriceOptionFactory(run=run, net_amount=Decimal("100"))
    with time_machine.travel(now, tick=False):
        return book(participant=person, run_id=run.pk, option_id=option.pk, now=now,
                    payer=PayerDetails(billing_name=person.full_name, billing_address="1 Street",
                                       invoice_email=person.email))


@pytest.fixture
def old_accounts(db, settings):
    settings.INACTIVE_ACCOUNT_KEEP_DAYS = 365
    with time_machine.travel(JOINED, tick=False):
        quiet = UserFactory(full_name="Quentin Quiet", email="quentin@example.org")
        staff = UserFactory(full_name="Stella Staff", email="stella@example.org")
        grant_role(staff, Role.TRAINER)
        signs_in = UserFactory(full_name="Sam Signsin", email="sam@example.org")
        booker = UserFactory(full_name="Bea Booker", email="bea@example.org")
    signs_in.last_login = JOINED + dt.timedelta(days=300)
    signs_in.save(update_fields=["last_login"])
    return quiet, staff, signs_in, booker


def erased_ids() -> set[int]:
    return set(ErasureRequest.objects.filter(status=ErasureStatus.ERASED)
               .values_list("person_id", flat=True))


def test_an_account_unused_for_the_set_days_is_erased_and_staff_never(
        old_accounts, django_capture_on_commit_callbacks):
    quiet, staff, signs_in, booker = old_accounts
    run_periodic_work_at(JOINED + dt.timedelta(days=364), django_capture_on_commit_callbacks)
    assert erased_ids() == set()
    run_periodic_work_at(JOINED + dt.timedelta(days=366), django_capture_on_commit_callbacks)
    assert erased_ids() == {quiet.pk, booker.pk}
    run_periodic_work_at(JOINED + dt.timedelta(days=666), django_capture_on_commit_callbacks)
    assert erased_ids() == {quiet.pk, booker.pk, signs_in.pk}
    quiet.refresh_from_db()
    assert quiet.full_name == f"Erased person {quiet.pk}" and not quiet.is_active
    assert ErasureRequest.objects.get(person=quiet).source == ErasureSource.RETENTION
    entry = AuditEntry.objects.filter(action="privacy.person.erased").first()
    assert entry is not None and entry.actor_id is None
    staff.refresh_from_db()
    assert staff.full_name == "Stella Staff" and staff.is_active


def test_a_booking_keeps_an_account_alive_and_a_debt_stops_its_erasure(
        old_accounts, coordinator, django_capture_on_commit_callbacks):
    _quiet, _staff, _signs_in, booker = old_accounts
    VatRateFactory()
    run = CourseRunFactory(title="Summer 2018", days=[dt.date(2018, 6, 1)],
                           booking_closes_at=dt.datetime(2018, 5, 15, tzinfo=dt.UTC))
    book_at(run, booker, JOINED + dt.timedelta(days=100))
    run_periodic_work_at(JOINED + dt.timedelta(days=400), django_capture_on_commit_callbacks)
    assert booker.pk not in erased_ids()  # booked 300 days ago
    run_periodic_work_at(JOINED + dt.timedelta(days=500), django_capture_on_commit_callbacks)
    assert booker.pk not in erased_ids()  # inactive, but the invoice is unpaid
    pay_everything(booker, coordinator)
    run_periodic_work_at(JOINED + dt.timedelta(days=501), django_capture_on_commit_callbacks)
    assert booker.pk in erased_ids()


def test_invoices_kept_for_an_erased_person_are_anonymised_after_the_years_hmrc_requires(
        old_accounts, coordinator, settings, django_capture_on_commit_callbacks):
    _quiet, _staff, _signs_in, booker = old_accounts
    VatRateFactory()
    run = CourseRunFactory(title="Spring 2018", days=[dt.date(2018, 2, 1)],
                           booking_closes_at=dt.datetime(2018, 1, 20, tzinfo=dt.UTC))
    book_at(run, booker, JOINED)
    pay_everything(booker, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.erase_person(person=booker, actor=coordinator, now=timezone.now())
    invoice = Invoice.objects.get(customer_person=booker)
    assert invoice.customer_name == "Bea Booker"  # kept as issued
    tax_point = dt.datetime.combine(invoice.tax_point, dt.time(12), tzinfo=dt.UTC)
    run_periodic_work_at(tax_point.replace(year=tax_point.year + 6) - dt.timedelta(days=2),
                         django_capture_on_commit_callbacks)
    invoice.refresh_from_db()
    assert invoice.customer_name == "Bea Booker"
    run_periodic_work_at(tax_point.replace(year=tax_point.year + 6) + dt.timedelta(days=2),
                         django_capture_on_commit_callbacks)
    invoice.refresh_from_db()
    assert invoice.customer_name == f"Erased person {booker.pk}"
    assert invoice.participant_name == f"Erased person {booker.pk}"
    assert "bea@example.org" not in invoice.customer_email
    assert all("Bea Booker" not in line.description for line in invoice.lines.all())
    assert invoice.total_net + invoice.total_vat == invoice.total_gross
    assert ErasureRequest.objects.get(person=booker).kept_invoices == []


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("concurrency")
def test_two_runs_of_the_retention_job_at_once_erase_each_account_once(settings):
    NumberSeries.objects.get_or_create(code="INV", defaults={"prefix": "INV-"})
    NumberSeries.objects.get_or_create(code="CN", defaults={"prefix": "CN-"})
    settings.INACTIVE_ACCOUNT_KEEP_DAYS = 365
    with time_machine.travel(JOINED, tick=False):
        people = [UserFactory() for _ in range(3)]
    now = JOINED + dt.timedelta(days=400)
    results = race([lambda: services.apply_retention(now)] * 2)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(results) == 3
    assert erased_ids() == {p.pk for p in people}
    assert ErasureRequest.objects.count() == 3
    assert all(User.objects.get(pk=p.pk).full_name.startswith("Erased person") for p in people)
