"""The coordinator's webhook pages: the endpoints, each with its secret and delivery log, and
the buttons that change them. Each page parses its input, calls one service and renders."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from trainingdesk.accounts.models import User
from trainingdesk.lib.access import coordinator_required
from trainingdesk.lib.forms import add_service_errors
from trainingdesk.webhooks import services
from trainingdesk.webhooks.forms import EVENT_LABELS, EndpointForm
from trainingdesk.webhooks.models import Delivery, DeliveryStatus, Endpoint

DELIVERIES_A_PAGE = 25


def _coordinator(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@require_safe
@coordinator_required
def endpoints(request: HttpRequest) -> HttpResponse:
    rows = Endpoint.objects.annotate(
        waiting=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
        given_up=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.GAVE_UP)),
    ).order_by("-active", "created_at", "id")
    return render(request, "webhooks/endpoints.html", {"endpoints": rows, "section": "webhooks"})


@require_http_methods(["GET", "POST"])
@coordinator_required
def create(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.create_endpoint(
                url=form.cleaned_data["url"], event_types=form.cleaned_data["event_types"],
                description=form.cleaned_data["description"], actor=_coordinator(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The endpoint is added. Give its secret to the receiving "
                                        "system, so that it can check what is sent."))
            return redirect("webhooks:endpoint", endpoint_id=endpoint.pk)
    return render(request, "webhooks/endpoint_form.html", {"form": form, "section": "webhooks"},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@coordinator_required
def edit(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, pk=endpoint_id)
    form = EndpointForm(request.POST or None, initial={
        "url": endpoint.url, "description": endpoint.description, "event_types": endpoint.event_types})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_endpoint(
                endpoint=endpoint, url=form.cleaned_data["url"],
                event_types=form.cleaned_data["event_types"],
                description=form.cleaned_data["description"], actor=_coordinator(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The endpoint is changed."))
            return redirect("webhooks:endpoint", endpoint_id=endpoint.pk)
    return render(request, "webhooks/endpoint_form.html",
                  {"form": form, "endpoint": endpoint, "section": "webhooks"},
                  status=400 if form.errors else 200)


@require_safe
@coordinator_required
def endpoint(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint.objects.select_related("created_by"), pk=endpoint_id)
    deliveries = Delivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-id").only(
        "pk", "endpoint_id", "event_id", "event_type", "status", "attempts", "created_at",
        "next_attempt_at", "last_attempt_at", "last_response_status", "last_error",
        "last_response_ms", "succeeded_at", "claimed_until")
    page = Paginator(deliveries, DELIVERIES_A_PAGE).get_page(request.GET.get("page"))
    return render(request, "webhooks/endpoint.html", {
        "endpoint": endpoint, "page": page, "section": "webhooks",
        "event_labels": [(t, EVENT_LABELS.get(t, t)) for t in endpoint.event_types],
    })


@require_safe
@coordinator_required
def delivery(request: HttpRequest, endpoint_id: int, delivery_id: int) -> HttpResponse:
    """One delivery: the body as sent, and every try with the receiver's answer."""
    found = get_object_or_404(Delivery.objects.select_related("endpoint"), pk=delivery_id,
                              endpoint_id=endpoint_id)
    return render(request, "webhooks/delivery.html", {
        "delivery": found, "endpoint": found.endpoint, "section": "webhooks",
        "attempts": list(found.attempt_log.order_by("-at", "-id")),
        "body": json.dumps(found.payload, indent=2, ensure_ascii=False),
    })


def _act(request: HttpRequest, endpoint_id: int, act: str) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, pk=endpoint_id)
    actor = _coordinator(request)
    try:
        if act == "disable":
            services.disable_endpoint(endpoint=endpoint, actor=actor)
            messages.success(request, _("The endpoint is switched off: nothing is sent to it."))
        elif act == "enable":
            services.enable_endpoint(endpoint=endpoint, actor=actor)
            messages.success(request, _("The endpoint is switched on: deliveries waiting are sent now."))
        else:
            services.send_test_event(endpoint=endpoint, actor=actor)
            messages.success(request, _("A test event is sent: its delivery is at the top of the log."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("webhooks:endpoint", endpoint_id=endpoint.pk)


@require_POST
@coordinator_required
def disable(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    return _act(request, endpoint_id, "disable")


@require_POST
@coordinator_required
def enable(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    return _act(request, endpoint_id, "enable")


@require_POST
@coordinator_required
def send_test(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    return _act(request, endpoint_id, "test")


@require_POST
@coordinator_required
def send_again(request: HttpRequest, endpoint_id: int, delivery_id: int) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, pk=endpoint_id)
    try:
        delivery = services.send_again(delivery_id=delivery_id, endpoint=endpoint,
                                       actor=_coordinator(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(event)s is being sent again now.")
                         % {"event": delivery.event_type})
    return redirect("webhooks:endpoint", endpoint_id=endpoint.pk)
