"""People and organisations in the back office. Roles are Django groups, shown as "roles"."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from trainingdesk.accounts.forms import RegistrationForm
from trainingdesk.accounts.models import (
    Organisation,
    ProfessionalBody,
    ProfessionalRegistration,
    Role,
    User,
)
from trainingdesk.accounts.services import failed_sign_ins, unlock_sign_in
from trainingdesk.audit.admin_mixins import AuditedAdmin
from trainingdesk.audit.log import log_action

ROLES_HELP = _("A coordinator can also sign in to the back office. Everyone is a participant.")


class PersonCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("Someone already has this email address."))
        return email


class PersonChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "groups" in self.fields:
            self.fields["groups"].label = _("roles")
            self.fields["groups"].help_text = ROLES_HELP

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("Someone already has this email address."))
        return email


class ProfessionalRegistrationInline(admin.TabularInline):
    model = ProfessionalRegistration
    form = RegistrationForm  # the profile page's: active bodies, numbers in their format
    extra = 0
    fields = ("body", "body_name", "number")


@admin.register(User)
class PersonAdmin(AuditedAdmin, DjangoUserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    inlines = (ProfessionalRegistrationInline,)
    list_display = ("full_name", "email", "organisation_name", "roles", "is_member", "is_staff")
    list_filter = ("groups", "is_member", "is_staff", "is_active")
    search_fields = ("full_name", "email", "organisation_name")
    ordering = ("full_name", "email")
    filter_horizontal = ("groups",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("About them"), {"fields": ("full_name", "job_role", "sector", "organisation_name",
                                      "country", "time_zone")}),
        (_("Membership and roles"), {"fields": ("is_member", "groups", "is_active",
                                                "is_staff")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    superuser_fieldsets = (
        (_("Superuser only"), {"fields": ("is_superuser", "user_permissions")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2")}),
    )

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        if obj is None:
            return self.add_fieldsets
        # Only a superuser may make a superuser or hand out single permissions; a coordinator
        # gives people roles.
        if request.user.is_superuser:
            return (*self.fieldsets, *self.superuser_fieldsets)
        return self.fieldsets

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    @staticmethod
    def _guards_superuser(request: HttpRequest, obj: User | None) -> bool:
        """A superuser's account is changed, deleted or given a password only by a superuser:
        otherwise a coordinator could set their password or email and sign in as them."""
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # Not even read-only (its "Reset password" button would lead to a refusal); the list of
        # people still names them.
        if self._guards_superuser(request, obj):
            return False
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # Also guards the password page: user_change_password asks this with the user.
        if self._guards_superuser(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if self._guards_superuser(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("roles"))
    def roles(self, user: User) -> str:
        labels = dict(Role.choices)
        return ", ".join(str(labels.get(g.name, g.name)) for g in user.groups.all()) or "—"

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # As grant_role does: a coordinator signs in to the back office.
        groups: QuerySet[Group] | None = form.cleaned_data.get("groups")
        if groups is not None and any(g.name == Role.COORDINATOR for g in groups):
            obj.is_staff = True
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list[URLPattern]:
        unlock = path("<id>/unlock/", self.admin_site.admin_view(self.unlock_sign_in_view),
                      name="accounts_user_unlock")
        return [unlock, *super().get_urls()]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # The person's failed sign-ins, with "Unlock signing in" (change_form.html).
        person = User.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if person is not None and self.has_change_permission(request, person):
            failures, paused = failed_sign_ins(user=person)
            extra_context = {**(extra_context or {}), "failed_sign_ins": failures,
                             "sign_in_paused": paused,
                             "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}
        return super().change_view(request, object_id, form_url, extra_context)

    @method_decorator(require_POST)
    def unlock_sign_in_view(self, request: HttpRequest, id: str) -> HttpResponse:
        """Lift a sign-in lock-out from the person's page: their failed sign-ins are forgotten."""
        person = self.get_object(request, unquote(id))
        if person is None:
            raise Http404
        if not self.has_change_permission(request, person):
            raise PermissionDenied
        assert isinstance(request.user, User)  # admin_view lets only signed-in staff through
        unlock_sign_in(actor=request.user, user=person)
        name = person.full_name or person.email
        self.message_user(request, _("%(name)s can sign in again.") % {"name": name}, messages.SUCCESS)
        return redirect("admin:accounts_user_change", person.pk)

    @transaction.atomic
    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        succeeded = (
            request.method == "POST" and isinstance(response, HttpResponseRedirect)
            and response.url != request.get_full_path()
        )
        if succeeded:
            user = User.objects.get(pk=id)
            log_action(request.user, "accounts.user.password_changed", user,
                       reason="Password set in the back office")
        return response


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "invoice_email", "postcode", "requires_purchase_order")
    list_filter = ("requires_purchase_order",)
    search_fields = ("name", "invoice_email", "postcode")


@admin.register(ProfessionalBody)
class ProfessionalBodyAdmin(AuditedAdmin):
    """The bodies people register with, and the format of their numbers: the coordinator adds a
    body, corrects a format, or retires a body (registrations with it are kept)."""

    list_display = ("name", "code", "number_example", "position", "active")
    list_filter = ("active",)
    search_fields = ("name", "code")
    fields = ("code", "name", "number_pattern", "number_example", "number_hint", "position",
              "active")

    def get_readonly_fields(self, request: HttpRequest, obj: ProfessionalBody | None = None) -> Any:
        # Registrations refer to a body by its code: it is chosen once, when the body is added.
        return ("code",) if obj is not None else ()
