"""Factories for test data. Workflows (publishing, copying, booking) go through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from trainingdesk.accounts.models import User
from trainingdesk.catalogue.models import (
    CourseRun,
    Delivery,
    Level,
    PriceOption,
    Programme,
    Provider,
    RunStatus,
    TrainingDay,
    VatCategory,
    VatRate,
)

PASSWORD = "a-long-test-password-123"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password(PASSWORD)


class VatRateFactory(DjangoModelFactory[VatRate]):
    class Meta:
        model = VatRate
        django_get_or_create = ("category", "valid_from")

    category = VatCategory.STANDARD
    percent = Decimal("20.00")
    valid_from = dt.date(2011, 1, 4)


class ProviderFactory(DjangoModelFactory[Provider]):
    class Meta:
        model = Provider

    name = "PartnershipProjects"
    address = "1 Example Street\nLondon\nN1 1AA"
    vat_number = "GB 123 4567 89"
    accreditation = "Registered with the NVR Association (NVRA)"


class ProgrammeFactory(DjangoModelFactory[Programme]):
    class Meta:
        model = Programme

    provider = factory.SubFactory(ProviderFactory)
    name = "The NVR Certificate Course"
    slug = factory.Sequence(lambda n: f"nvr-{n}")
    award_name = "Advanced Certificate in NVR Practice"


class LevelFactory(DjangoModelFactory[Level]):
    class Meta:
        model = Level

    programme = factory.SubFactory(ProgrammeFactory)
    name = "Foundation"
    slug = factory.Sequence(lambda n: f"level-{n}")
    accreditation = "NVRA Level 1"
    days_required = 4


class CourseRunFactory(DjangoModelFactory[CourseRun]):
    """A published online run whose days are added by `days=`: dates, at 9:30-16:30."""

    class Meta:
        model = CourseRun
        skip_postgeneration_save = True

    level = factory.SubFactory(LevelFactory)
    title = factory.Sequence(lambda n: f"Run {n}")
    status = RunStatus.PUBLISHED
    delivery = Delivery.ONLINE
    platform = "Zoom"
    joining_link = "https://zoom.us/j/123?pwd=secret"
    capacity = 20
    booking_closes_at = factory.LazyFunction(
        lambda: dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
    )

    @factory.post_generation
    def days(self, create: bool, extracted: list[dt.date] | None, **kwargs: object) -> None:
        if not create or not extracted:
            return
        TrainingDay.objects.bulk_create(
            TrainingDay(run=self, number=n, date=d, arrival_time=dt.time(9),
                        start_time=dt.time(9, 30), finish_time=dt.time(16, 30), break_minutes=60)
            for n, d in enumerate(extracted, start=1)
        )


class PriceOptionFactory(DjangoModelFactory[PriceOption]):
    class Meta:
        model = PriceOption

    run = factory.SubFactory(CourseRunFactory)
    name = "Standard"
    net_amount = Decimal("500.00")
    vat_category = VatCategory.STANDARD
