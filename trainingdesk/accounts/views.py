"""Signing up (an email address, then a link emailed to it), the profile page and the lock-out
page. Signing in and out and the password pages are Django's own views, configured in urls.py."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from trainingdesk.accounts import feeds
from trainingdesk.accounts.forms import FinishSignUpForm, ProfileForm, RegistrationFormSet, SignUpForm
from trainingdesk.accounts.models import Role, User
from trainingdesk.accounts.services import (
    EmailInUse,
    SignUpLinkInvalid,
    email_in_use,
    read_sign_up_link,
    record_password_set,
    register_participant,
    start_sign_up,
    update_profile,
)
from trainingdesk.lib.clientip import client_address
from trainingdesk.lib.ratelimit import allow


def _signed_in_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required has let only signed-in people through
    return user


def _with_next(url_name: str, next_url: str) -> str:
    """The address of `url_name`, carrying on to `next_url` when there is one."""
    return reverse(url_name) + (f"?{urlencode({'next': next_url})}" if next_url else "")


def _safe_next(request: HttpRequest) -> str:
    """Where the person was going (a page that sent them to sign in, e.g. booking a place), when
    it is an address on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                              require_https=request.is_secure())
    return target if allowed else ""


def _may_email_for_sign_up(request: HttpRequest, email: str) -> bool:
    """Sign-up sends email to whatever address is typed, so it is throttled per address and per
    client, as the password reset is. Over either limit nothing is sent, and the page says the
    same as ever."""
    address = hashlib.sha256(email.encode()).hexdigest()
    per_address = allow(f"signup:address:{address}",
                        limit=settings.SIGNUP_EMAILS_PER_ADDRESS_PER_HOUR, per=3600)
    per_client = allow(f"signup:client:{client_address(request)}",
                       limit=settings.SIGNUP_REQUESTS_PER_CLIENT_PER_HOUR, per=3600)
    return per_address and per_client


def signup(request: HttpRequest) -> HttpResponse:
    """Step one: the email address. The answer is "Check your email" whether or not the address
    has an account (accounts.services.start_sign_up emails a link, or tells the owner)."""
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "accounts:profile")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if _may_email_for_sign_up(request, email):
            start_sign_up(email=email, next_url=next_url)
        return redirect(_with_next("accounts:signup_sent", next_url))
    return render(request, "accounts/signup.html", {
        "form": form, "next": next_url, "login_url": _with_next("accounts:login", next_url)})


def signup_sent(request: HttpRequest) -> HttpResponse:
    """The same page for every address typed, with or without an account."""
    next_url = _safe_next(request)
    return render(request, "accounts/signup_sent.html", {
        "login_url": _with_next("accounts:login", next_url),
        "signup_url": _with_next("accounts:signup", next_url),
        "link_hours": settings.SIGNUP_LINK_HOURS})


@sensitive_post_parameters("password1", "password2")
def signup_finish(request: HttpRequest, token: str) -> HttpResponse:
    """Step two, from the emailed link: the person chooses their name and password, the account
    is made and they are signed in, then go on where they were going (their booking, say)."""
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    try:
        link = read_sign_up_link(token)
    except SignUpLinkInvalid:
        return render(request, "accounts/signup_link_invalid.html",
                      {"link_hours": settings.SIGNUP_LINK_HOURS})
    # Checked again here: the link was made on this site, but the host may be another name.
    allowed = url_has_allowed_host_and_scheme(link.next_url, allowed_hosts={request.get_host()},
                                              require_https=request.is_secure())
    next_url = link.next_url if allowed else ""
    already = _("Your account has already been created. Sign in with your email address and password.")
    if email_in_use(link.email):  # the link has been used, or the address gained an account since
        messages.info(request, already)
        return redirect(_with_next("accounts:login", next_url))
    form = FinishSignUpForm(request.POST or None, email=link.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = register_participant(
                email=link.email,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except EmailInUse:  # the same link, followed twice at once
            messages.info(request, already)
            return redirect(_with_next("accounts:login", next_url))
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if next_url:  # on with what they were doing: their booking, say
            messages.success(request, _("Your account has been created."))
            return redirect(next_url)
        messages.success(request, _("Your account has been created. Add your details below."))
        return redirect("accounts:profile")
    return render(request, "accounts/signup_finish.html", {"form": form, "email": link.email})


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Where signing in leads when no page asked for it: each person's own starting place."""
    user = _signed_in_user(request)
    if user.is_coordinator:
        return redirect("control:runs")
    if user.has_role(Role.TRAINER):
        return redirect("attendance:index")
    return redirect("bookings:my_training")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    # The forms work on a fresh copy, so that an invalid form never alters request.user.
    person = User.objects.get(pk=user.pk)
    form = ProfileForm(request.POST or None, instance=person, prefix="profile")
    registrations = RegistrationFormSet(request.POST or None, instance=person, prefix="registrations")
    if request.method == "POST" and form.is_valid() and registrations.is_valid():
        try:
            update_profile(
                actor=user,
                user=person,
                details={name: form.cleaned_data[name] for name in form.Meta.fields},
                registrations=registrations.entries(),
            )
        except IntegrityError:
            # Another save of this profile added the same registration a moment ago.
            form.add_error(None, _("You already have a registration with that body and number."))
        except ValidationError as error:
            # The coordinator changed or removed the body's format while the page was open.
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "registrations": registrations, "person": person,
         "calendar_feed": feeds.live_feed(person)},
    )


# Calendar apps fetch a feed every few minutes to hours. Per feed: more than that is a loop or a
# leaked address being hammered. Per client address, for tokens that open nothing: someone
# guessing (hopeless with 256 bits, but it costs them nothing else). Not per address for good
# tokens: one calendar service fetches thousands of people's feeds from a handful of addresses.
FEED_FETCHES_PER_MINUTE = 10
FEED_MISSES_PER_MINUTE = 30


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics a person's calendar app subscribes to: no sign-in, the token is the key. One
    person's entries and nothing else; 404 for a token unknown or revoked."""
    feed = feeds.feed_for_token(token)
    if feed is None:
        if not allow(f"calendar-feed-miss:{client_address(request)}",
                     limit=FEED_MISSES_PER_MINUTE, per=60):
            return _too_many()
        raise Http404("No calendar feed has this address.")
    if not allow(f"calendar-feed:{feed.pk}", limit=FEED_FETCHES_PER_MINUTE, per=60):
        return _too_many()
    response = HttpResponse(feeds.render_feed(feed), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private"
    response["Content-Disposition"] = 'inline; filename="trainingdesk.ics"'
    return response


def _too_many() -> HttpResponse:
    response = HttpResponse(_("Too many requests for this calendar feed: try again in a minute."),
                            content_type="text/plain; charset=utf-8", status=429)
    response["Retry-After"] = "60"
    return response


@login_required
@require_POST
def calendar_feed_new(request: HttpRequest) -> HttpResponse:
    """Make (or renew) the person's feed and show its address, this once: only its hash is
    kept. Rendered in answer to the POST, not redirected to, so the address is never stored in
    the session or a URL; the page is not to be cached."""
    user = _signed_in_user(request)
    renewed = feeds.live_feed(user) is not None
    token = feeds.create_feed(user=user)
    address = request.build_absolute_uri(reverse("calendar_feed", args=[token]))
    response = render(request, "accounts/calendar_feed_new.html",
                      {"address": address, "renewed": renewed})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def calendar_feed_revoke(request: HttpRequest) -> HttpResponse:
    if feeds.revoke_feed(user=_signed_in_user(request)):
        messages.success(request, _("Your calendar feed is turned off: its address no longer works."))
    else:
        messages.info(request, _("You have no calendar feed to turn off."))
    return redirect(reverse("accounts:profile") + "#calendar-feed")


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What django-axes shows after too many failed sign-ins (AXES_LOCKOUT_CALLABLE)."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {"cooloff_minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT,
         # Set by accounts/lockout.py when the client address, not the account, is paused.
         "whole_network": getattr(request, "axes_client_locked_out", False)},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )


class ChangePasswordView(auth_views.PasswordChangeView):
    """Django's password change, audited."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record_password_set(user=form.user, how="changed")
        return response


class ResetPasswordConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset link, audited; it also lifts a lock-out from too many failed sign-ins."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record_password_set(user=form.user, how="reset")
        return response


class ResetPasswordView(auth_views.PasswordResetView):
    """Django's password reset, throttled per address and per client. The answer is the same
    whether the address has an account, is unknown, or has had its share of emails: nothing on
    the page tells a stranger which addresses have accounts."""

    def form_valid(self, form: Any) -> HttpResponse:
        address = hashlib.sha256(form.cleaned_data["email"].encode()).hexdigest()
        per_address = allow(f"password-reset:address:{address}",
                            limit=settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR, per=3600)
        per_client = allow(f"password-reset:client:{client_address(self.request)}",
                           limit=settings.PASSWORD_RESETS_PER_CLIENT_PER_HOUR, per=3600)
        if per_address and per_client:
            return super().form_valid(form)
        return redirect(self.get_success_url())


class SignInView(auth_views.LoginView):
    """Django's sign-in; "Create an account" keeps the page the person was going to."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["signup_url"] = _with_next("accounts:signup", context.get("next") or "")
        return context
