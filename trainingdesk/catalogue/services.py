"""Workflows of the catalogue that change more than one row: each atomic and audited."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from trainingdesk.accounts.models import User
from trainingdesk.audit.log import log_action, snapshot
from trainingdesk.catalogue.models import (
    CourseRun,
    Delivery,
    Guidelines,
    PriceOption,
    Programme,
    RunStatus,
    TrainingDay,
)
from trainingdesk.catalogue.rules import (
    DayPlan,
    booking_window_problems,
    first_start,
    schedule_problems,
)
from trainingdesk.lib.access import require_coordinator
from trainingdesk.lib.files import private_storage
from trainingdesk.lib.uploads import Kind, check_upload
from trainingdesk.lib.zones import aware

GUIDELINES_KINDS = frozenset({Kind.PDF, Kind.DOCX})


def day_plans(days: list[TrainingDay]) -> list[DayPlan]:
    return [
        DayPlan(number=d.number, date=d.date, start=d.start_time, finish=d.finish_time,
                arrival=d.arrival_time, break_minutes=d.break_minutes)
        for d in days
    ]


def _shift_wall_clock(moment: dt.datetime, shift: dt.timedelta, zone: str) -> dt.datetime:
    """The same time of day in the run's zone, `shift` later: "5pm the Tuesday before" stays
    5pm whether or not summer time began in between."""
    local = moment.astimezone(ZoneInfo(zone))
    return aware(local.date() + shift, local.time(), zone)


@transaction.atomic
def copy_run(
    *, run: CourseRun, first_date: dt.date, title: str, actor: User | None
) -> CourseRun:
    """A draft copy of a run starting on `first_date`: every day moves by the same number of
    days (so Day 4 stays as far after Day 3), with the same times, options, places and trainers.
    The booking window keeps its distance from the first day. The joining link is not copied:
    a new run has a meeting of its own."""
    days = list(run.days.order_by("number"))
    if not days:
        raise ValidationError("A run without days cannot be copied to new dates.")
    shift = first_date - days[0].date
    copy = CourseRun.objects.get(pk=run.pk)
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    copy.title = title
    copy.status = RunStatus.DRAFT
    copy.joining_link = ""
    if copy.booking_opens_at:
        copy.booking_opens_at = _shift_wall_clock(copy.booking_opens_at, shift, run.time_zone)
    copy.booking_closes_at = _shift_wall_clock(copy.booking_closes_at, shift, run.time_zone)
    copy.save()
    copy.trainers.set(run.trainers.all())
    TrainingDay.objects.bulk_create(
        TrainingDay(
            run=copy, number=d.number, date=d.date + shift, arrival_time=d.arrival_time,
            start_time=d.start_time, finish_time=d.finish_time, break_minutes=d.break_minutes,
            break_description=d.break_description,
        )
        for d in days
    )
    PriceOption.objects.bulk_create(
        PriceOption(
            run=copy, name=o.name, description=o.description, net_amount=o.net_amount,
            vat_category=o.vat_category, supervision_hours=o.supervision_hours,
            audience=o.audience,
            available_until=o.available_until + shift if o.available_until else None,
            position=o.position,
        )
        for o in run.options.all()
    )
    log_action(actor, "catalogue.run.copied", copy, after={
        **(snapshot(copy) or {}), "copied_from": run.pk,
        "trainers": sorted(copy.trainers.values_list("pk", flat=True))})
    return copy


@transaction.atomic
def publish_run(*, run: CourseRun, actor: User | None) -> CourseRun:
    """Publish a draft run whose days are complete; refuse with the reasons otherwise."""
    run = CourseRun.objects.select_for_update().select_related("level").get(pk=run.pk)
    if run.status == RunStatus.CANCELLED:
        raise ValidationError("A cancelled run cannot be published.")
    plans = day_plans(list(run.days.order_by("number")))
    messages = [p.message for p in schedule_problems(plans, run.level.days_required, publishing=True)]
    messages += [message for _field, message in booking_window_problems(
        run.booking_opens_at, run.booking_closes_at, first_start(plans, run.time_zone))]
    if run.delivery == Delivery.ONLINE and not run.joining_link:
        messages.append("An online run needs its joining link before it is published: confirmed "
                        "participants are sent it with their booking.")
    if messages:
        raise ValidationError(messages)
    before = snapshot(run)
    run.status = RunStatus.PUBLISHED
    run.save(update_fields=["status"])
    log_action(actor, "catalogue.run.published", run, before=before, after=snapshot(run))
    return run


def upload_guidelines(*, programme: Programme, upload: UploadedFile, actor: User,
                      now: dt.datetime | None = None) -> Guidelines:
    """A new version of the programme's course guidelines (a PDF or Word document), which the
    certification page's link serves from now on; the earlier versions are kept. The file is
    checked by its content before anything is stored: a refused file stores nothing."""
    require_coordinator(actor, "publish the course guidelines")
    now = now or timezone.now()
    checked = check_upload(upload, name=upload.name or "", allowed=GUIDELINES_KINDS)
    stored = ""
    try:
        with transaction.atomic():
            # Two coordinators uploading at once would both read version N and both write N + 1:
            # the programme's row lock makes the second wait and number its upload N + 2 (the
            # unique constraint on programme and version backs it).
            programme = Programme.objects.select_for_update().get(pk=programme.pk)
            latest = programme.guidelines.aggregate(latest=Max("version"))["latest"] or 0
            guidelines = Guidelines(
                programme=programme, version=latest + 1, file_name=checked.name,
                content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
                uploaded_by=actor, uploaded_at=now,
            )
            guidelines.file.save(checked.name, upload, save=False)
            stored = guidelines.file.name or ""
            guidelines.save()
            log_action(actor, "catalogue.guidelines.uploaded", guidelines, after=snapshot(guidelines))
    except Exception:
        # Nothing was recorded: neither is the file.
        if stored:
            private_storage().delete(stored)
        raise
    return guidelines
