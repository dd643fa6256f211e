"""The coordinator's view of emails that could not be sent: the error, and "send again"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from trainingdesk.lib.access import coordinator_required
from trainingdesk.notifications import services
from trainingdesk.notifications.models import Email


@require_safe
@coordinator_required
def failed_emails(request: HttpRequest) -> HttpResponse:
    emails = Email.objects.needing_attention().order_by("-created_at", "-id")
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/control/emails.html", {"page": page, "section": "emails"})


@require_POST
@coordinator_required
def send_again(request: HttpRequest, email_id: int) -> HttpResponse:
    try:
        email = services.send_again(email_id=email_id, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(subject)s” to %(to)s will be sent again now.")
                         % {"subject": email, "to": email.recipients})
    return redirect("notifications:failed_emails")
