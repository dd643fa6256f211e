"""Real threads, each with its own database connection, racing for the same scarce thing.

Run on SQLite (the default; IMMEDIATE transactions queue writers) and on PostgreSQL (row locks):
    DATABASE_URL=postgres://... PG_TEST_NAME=test_concurrency_x pytest tests/bookings/test_concurrency.py
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from tests.bookings.conftest import NOW, RUN_DAYS, self_paying
from tests.factories import CourseRunFactory, PriceOptionFactory, UserFactory, VatRateFactory
from trainingdesk.accounts.models import User
from trainingdesk.bookings import services
from trainingdesk.bookings.models import Booking, BookingStatus, DiscountCode
from trainingdesk.catalogue.models import CourseRun, PriceOption
from trainingdesk.invoicing.models import DocumentKind, Invoice, NumberSeries
from trainingdesk.notifications.models import Email, EmailStatus

# One xdist worker runs these (--dist loadgroup), so two 50-thread rushes never share the
# database server at once (PostgreSQL allows 100 connections).
pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True),
              pytest.mark.xdist_group("concurrency")]

THREADS = 50


@pytest.fixture(autouse=True)
def _number_series(transactional_db: None) -> None:
    # The data migration's rows are flushed by earlier transactional tests; put them back.
    NumberSeries.objects.get_or_create(code="INV", defaults={"prefix": "INV-"})
    NumberSeries.objects.get_or_create(code="CN", defaults={"prefix": "CN-"})


def race(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start every job in its own thread, release them together, and return what each returned
    (or raised). Each thread closes its own database connection at the end."""
    with _one_race_at_a_time_on_the_server():
        _wait_for_room_on_the_server(len(jobs))
        return _race(jobs)


@contextlib.contextmanager
def _one_race_at_a_time_on_the_server() -> Iterator[None]:
    """Two test suites sharing one PostgreSQL server (two checkouts, or CI beside a developer)
    would each start fifty connections at once and meet its limit: a session-level advisory
    lock makes their races take turns. (SQLite: nothing to share.)"""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [RACE_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [RACE_LOCK])


RACE_LOCK = 7_204_661  # any number of our own: the advisory lock races take turns on


def _connect(attempts: int = 100) -> None:
    """This thread's connection, made now. The server may still be ending the connections of
    the round before (their processes outlive the close by a moment) and refuse with "too many
    clients": wait a little and try again."""
    for _ in range(attempts - 1):
        try:
            connection.ensure_connection()
            return
        except OperationalError:
            connection.close()
            time.sleep(0.1)
    connection.ensure_connection()


def _race(jobs: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int, job: Callable[[], Any]) -> None:
        try:
            _connect()  # before the barrier: the race is between the jobs, not the connections
            barrier.wait(timeout=60)
            results[i] = job()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    return results


def _wait_for_room_on_the_server(wanted: int, spare: int = 10, seconds: float = 60.0) -> None:
    """PostgreSQL's limit (100 here) is for the whole server: the other xdist workers, a demo
    left running and the server processes of connections closed a moment ago all count. Wait
    until the server has room for this race's threads, and say so plainly if it never does."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        limit = int(cursor.fetchone()[0])
        while True:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")
            in_use = cursor.fetchone()[0]
            if in_use + wanted + spare <= limit:
                return
            if time.monotonic() > deadline:
                pytest.fail(f"PostgreSQL has {in_use} of {limit} connections in use; "
                            f"this race needs {wanted} more")
            time.sleep(0.05)


def _run_with_one_seat(capacity: int = 1) -> tuple[CourseRun, PriceOption]:
    VatRateFactory()
    run = CourseRunFactory(capacity=capacity, days=RUN_DAYS,
                           booking_closes_at=dt.datetime(2027, 5, 25, tzinfo=dt.UTC))
    return run, PriceOptionFactory(run=run, net_amount=Decimal("660"))


_made = iter(range(10**6))


def _people(n: int) -> list[User]:
    """People who never sign in: made in one query, skipping the slow password hashing."""
    return User.objects.bulk_create(
        User(email=f"racer{i}@example.org", full_name=f"Racer {i}",
             password="!")
        for i in (next(_made) for _ in range(n))
    )


def _booker(person: User, run: CourseRun, option: PriceOption, **kwargs: Any) -> Callable[[], Any]:
    return lambda: services.book(participant=person, run_id=run.pk, option_id=option.pk,
                                 payer=self_paying(person.full_name), now=NOW, **kwargs)


def _assert_gapless(kind: str, prefix: str) -> None:
    numbers = sorted(Invoice.objects.filter(kind=kind).values_list("number", flat=True))
    assert numbers == [f"{prefix}{n:06d}" for n in range(1, len(numbers) + 1)]
    assert NumberSeries.objects.get(code=prefix.rstrip("-")).next_number == len(numbers) + 1


def test_fifty_people_rushing_for_the_last_seat_leave_one_confirmed_and_49_waiting():
    """On PostgreSQL this proves the run's row lock (its control, below, takes away only
    select_for_update and oversells); on SQLite it proves the IMMEDIATE transactions, which
    queue every booking behind the one writing."""
    for _round in range(3):
        run, option = _run_with_one_seat()
        people = _people(THREADS)
        results = race([_booker(p, run, option) for p in people])
        errors = [r for r in results if isinstance(r, BaseException)]
        assert not errors, errors[:3]
        statuses = Counter(b.status for b in Booking.objects.filter(run=run))
        assert statuses == {BookingStatus.CONFIRMED: 1, BookingStatus.WAITLISTED: THREADS - 1}
        assert Invoice.objects.filter(bookings__run=run).count() == 1
        _assert_gapless(DocumentKind.INVOICE, "INV-")
        assert not Email.objects.exclude(status=EmailStatus.SENT).exists()


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="on SQLite the IMMEDIATE transaction itself is the lock")
def test_on_postgresql_without_select_for_update_the_rush_oversells(monkeypatch):
    """The control for the real lock: the same code with only `select_for_update` taken away.
    Everyone counts the free seat inside their own transaction, then books it."""
    run, option = _run_with_one_seat()
    people = _people(THREADS)
    everyone_has_counted = threading.Barrier(THREADS)
    counted = services.seats_taken

    def count_then_wait(run: CourseRun) -> int:
        taken = counted(run)
        everyone_has_counted.wait(timeout=60)
        return taken

    monkeypatch.setattr(services, "_lock_run", lambda run_id: CourseRun.objects.select_related(
        "level__programme__provider").get(pk=run_id))
    monkeypatch.setattr(services, "seats_taken", count_then_wait)
    results = race([_booker(p, run, option) for p in people])
    assert not [r for r in results if isinstance(r, BaseException)]
    confirmed = Booking.objects.filter(run=run, status=BookingStatus.CONFIRMED).count()
    assert confirmed > 1, "without select_for_update the rush should oversell"


def test_a_double_click_racing_itself_makes_one_booking():
    run, option = _run_with_one_seat(capacity=5)
    (person,) = _people(1)
    token = uuid.uuid4()
    results = race([_booker(person, run, option, submission_token=token) for _ in range(10)])
    assert not [r for r in results if isinstance(r, BaseException)]
    assert {r.pk for r in results} == {Booking.objects.get().pk}
    assert Invoice.objects.count() == 1


def test_two_cancellations_and_an_expiring_offer_at_once_hand_each_seat_out_once(coordinator_user):
    run, option = _run_with_one_seat(capacity=3)
    a, b, c, *waiting = _people(8)
    for person in (a, b, c, *waiting):
        services.book(participant=person, run_id=run.pk, option_id=option.pk,
                      payer=self_paying(), now=NOW)
    # C gives up the seat and the first in line (W1) is offered it, for 48 hours.
    services.cancel_booking(booking=Booking.objects.get(participant=c), actor=c, now=NOW)
    w1 = Booking.objects.get(participant=waiting[0])
    assert w1.status == BookingStatus.OFFERED
    later = NOW + dt.timedelta(hours=49)
    results = race([
        lambda: services.cancel_booking(booking=Booking.objects.get(participant=a, run=run),
                                        actor=coordinator_user, full_refund=True, now=later),
        lambda: services.cancel_booking(booking=Booking.objects.get(participant=b, run=run),
                                        actor=coordinator_user, full_refund=True, now=later),
        lambda: services.expire_offers(now=later),
    ])
    assert not [r for r in results if isinstance(r, BaseException)], results
    by_person = {bk.participant_id: bk.status for bk in Booking.objects.filter(run=run)}
    assert by_person[waiting[0].pk] == BookingStatus.LEFT_WAITLIST
    offered = [p for p in waiting if by_person[p.pk] == BookingStatus.OFFERED]
    assert offered == waiting[1:4]  # three seats freed, three offers, first in line first
    assert Booking.objects.filter(run=run).holding_seats().count() == 3
    offers = Counter(e.to[0] for e in Email.objects.filter(subject__startswith="A place is free"))
    assert offers == Counter({p.email: 1 for p in waiting[:4]})  # nobody offered twice


def test_twenty_people_sharing_a_code_for_five_uses_use_it_exactly_five_times():
    run, option = _run_with_one_seat(capacity=30)
    DiscountCode.objects.create(code="FIVE", percent_off=Decimal("10"), max_uses=5)
    people = _people(20)
    results = race([_booker(p, run, option, discount_code="FIVE") for p in people])
    booked = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(booked), len(refused)) == (5, 15), [r for r in results if not isinstance(
        r, Booking | ValidationError)][:3]
    assert all("has been used up" in " ".join(r.messages) for r in refused)
    assert DiscountCode.objects.get().times_used == 5
    assert Booking.objects.filter(discount_code__code="FIVE").count() == 5
    _assert_gapless(DocumentKind.INVOICE, "INV-")


@pytest.fixture
def coordinator_user(transactional_db: None) -> User:
    from trainingdesk.accounts.models import Role
    from trainingdesk.accounts.roles import grant_role

    user = UserFactory(full_name="Cora Coordinator", email="cora@example.org", password="x")
    grant_role(user, Role.COORDINATOR)
    return user
