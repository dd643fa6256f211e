"""The coordinator's allocation page: who waits for a group, the groups that suit each of them,
and allocating. A fixed number of queries, whatever the number of people and groups."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from trainingdesk.accounts.models import User
from trainingdesk.bookings.models import Booking
from trainingdesk.lib.access import coordinator_required
from trainingdesk.supervision import services
from trainingdesk.supervision.models import SupervisionGroup


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def allocate(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        booking = Booking.objects.filter(pk=request.POST.get("booking") or 0).first() \
            if (request.POST.get("booking") or "").isdigit() else None
        group = SupervisionGroup.objects.filter(pk=request.POST.get("group") or 0).first() \
            if (request.POST.get("group") or "").isdigit() else None
        if booking is None or group is None:
            messages.error(request, _("Choose a person and one of the groups offered."))
        else:
            try:
                services.allocate(booking=booking, group=group, actor=cast(User, request.user))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("%(name)s is in %(group)s and has been emailed the "
                                            "schedule.") % {"name": booking.participant.full_name,
                                                            "group": group.name})
        return redirect("supervision:allocate")
    groups = services.groups_with_places()
    today = timezone.localdate()
    rows = [(booking, services.suggestions(booking, groups, today=today),
             [g for g in groups if g.level_id == booking.run.level_id
              and getattr(g, "members", 0) < g.capacity])
            for booking in services.waiting_for_a_group()]
    return render(request, "supervision/allocate.html", {"rows": rows, "groups": groups})
