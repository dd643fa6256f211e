"""Forms for signing up, signing in, resetting a password and editing a profile.

They parse and check input; saving is done by the services in accounts/services.py.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UsernameField,
)
from django.db.models import Q
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from trainingdesk.accounts.models import ProfessionalBody, ProfessionalRegistration, Sector, User
from trainingdesk.accounts.services import PROFILE_FIELDS, RegistrationEntry, normalise_email
from trainingdesk.lib.text import refuse_bidi_controls
from trainingdesk.lib.zones import UK, zone_names
from trainingdesk.notifications.services import send_email

MAX_REGISTRATIONS = 10
PASSWORD_MISMATCH = _("The passwords do not match. Enter the same password twice.")


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The name django-axes counts failures against: the email as it is stored, lower-case."""
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get("username", "")
    return normalise_email(str(raw))


def _password_help() -> str:
    return " ".join(str(text) for text in password_validation.password_validators_help_texts())


class SignUpForm(forms.Form):
    """The first step of signing up: only the address, where the link to finish is sent. It never
    says whether the address has an account."""

    email = forms.EmailField(
        label=_("Email address"), max_length=254,
        error_messages={"required": _("Enter your email address"),
                        "invalid": _("Enter an email address in the correct format, like name@example.com")},
        help_text=_("We will email you a link to finish creating your account. You will use this "
                    "address to sign in, and we will send booking confirmations here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])


class FinishSignUpForm(forms.Form):
    """The second step, from the emailed link: the person's name and password for `email`."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=200, validators=[refuse_bidi_controls],
        error_messages={"required": _("Enter your full name")},
        help_text=_("As it should appear on your certificate."),
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    password1 = forms.CharField(
        label=_("Create a password"), strip=False, error_messages={"required": _("Create a password")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Confirm your password"), strip=False,
        error_messages={"required": _("Type your password again to confirm it")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["password1"].help_text = _password_help()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", PASSWORD_MISMATCH)
        elif password1:
            # The similarity check compares the password with the name given here and the email.
            candidate = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, user=candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SignInForm(AuthenticationForm):
    """Django's sign-in form with an email label. The field stays named `username` for axes."""

    username = UsernameField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email", "spellcheck": "false"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Enter the email address and password of your account."),
    }

    def clean_username(self) -> str:
        return normalise_email(self.cleaned_data["username"])


class ResetPasswordForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("Email address"), max_length=254,
        error_messages={"required": _("Enter your email address"),
                        "invalid": _("Enter an email address in the correct format, like name@example.com")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def send_mail(
        self, subject_template_name: str, email_template_name: str, context: dict[str, Any],
        from_email: str | None, to_email: str, html_email_template_name: str | None = None,
    ) -> None:
        """Through the outbox like every other email: sent by a worker, retried while the mail
        server is down, and listed for the coordinator if it fails."""
        send_email(to=[to_email], template="accounts/email/password_reset.txt", context=context)


class _NewPasswordMixin:
    """Plain-text password help (Django's is an HTML list, which our field hint cannot hold), and
    the validators' message beside the new password, where the person typed it."""

    fields: dict[str, forms.Field]

    def _set_up_new_password_fields(self) -> None:
        self.fields["new_password1"].help_text = _password_help()
        self.fields["new_password2"].label = _("Confirm your new password")
        self.fields["new_password2"].help_text = ""

    def validate_password_for_user(
        self, user: Any, password_field_name: str = "new_password1"  # noqa: S107 - a field's name
    ) -> None:
        super().validate_password_for_user(user, "new_password1")  # type: ignore[misc]


class NewPasswordForm(_NewPasswordMixin, SetPasswordForm):
    """Choosing a new password after following a reset link."""

    error_messages = {**SetPasswordForm.error_messages, "password_mismatch": PASSWORD_MISMATCH}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_up_new_password_fields()


class ChangePasswordForm(_NewPasswordMixin, PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_mismatch": PASSWORD_MISMATCH,
        "password_incorrect": _("Your current password is not right. Enter it again."),
    }
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Your current password")
        self._set_up_new_password_fields()


class ProfileForm(forms.ModelForm[User]):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Times of training days are shown in UK time and in this zone."),
    )

    class Meta:
        model = User
        fields = PROFILE_FIELDS
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
            "job_role": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "organisation_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "country": forms.TextInput(attrs={"autocomplete": "country-name"}),
        }
        labels = {"organisation_name": _("Organisation"), "sector": _("Sector you work in")}
        help_texts = {"full_name": _("As it should appear on your certificate.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        time_zone = self.fields["time_zone"]
        sector = self.fields["sector"]
        assert isinstance(time_zone, forms.ChoiceField) and isinstance(sector, forms.ChoiceField)
        time_zone.choices = [
            (zone, _("UK time (Europe/London)") if zone == UK else zone.replace("_", " "))
            for zone in zone_names()
        ]
        sector.choices = [("", _("Choose a sector")), *Sector.choices]


class RegistrationForm(forms.ModelForm[ProfessionalRegistration]):
    """One registration: the body, from the table's active bodies (and the row's own body, should
    the coordinator have retired it since), and a number in the body's format."""

    class Meta:
        model = ProfessionalRegistration
        fields = ("body", "body_name", "number")
        labels = {"body_name": _("Name of the body, if not in the list")}
        help_texts = {"body_name": ""}

    def __init__(self, *args: Any, bodies: list[ProfessionalBody] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        body = self.fields["body"]
        assert isinstance(body, forms.ModelChoiceField)
        own = self.instance.body_id
        body.queryset = ProfessionalBody.objects.filter(Q(active=True) | Q(code=own))
        if bodies is None:
            bodies = list(body.queryset)
        # The list is read once for the whole formset (`bodies`), not once a row.
        body.choices = [("", _("Choose a body")),
                        *((b.code, b.name) for b in bodies if b.active or b.code == own)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The formset quietly treats an id that is not this person's as a new row; refuse it.
        chosen = cleaned.get("id")
        if chosen is not None and chosen.pk != self.instance.pk:
            raise forms.ValidationError(_("This registration could not be found. Reload the page."))
        body: ProfessionalBody | None = cleaned.get("body")
        if body is None:
            return cleaned
        if body.is_other and not cleaned.get("body_name", "").strip():
            self.add_error("body_name", _("Enter the name of the professional body."))
        elif not body.is_other:
            cleaned["body_name"] = ""
        # A number is checked when it is entered or its body changes: one saved before the body
        # had (or changed) its format is kept as it is until the person edits it.
        if "number" in cleaned and {"body", "number"} & set(self.changed_data):
            problem = body.number_problem(cleaned["number"])
            if problem:
                self.add_error("number", problem)
            else:
                cleaned["number"] = body.normalise_number(cleaned["number"])
        return cleaned

    def entry(self) -> RegistrationEntry:
        return RegistrationEntry(
            id=self.instance.pk,
            body=self.cleaned_data["body"].code,
            body_name=self.cleaned_data.get("body_name", ""),
            number=self.cleaned_data["number"],
        )


class BaseRegistrationFormSet(BaseInlineFormSet[ProfessionalRegistration, User, RegistrationForm]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bodies = list(ProfessionalBody.objects.all())

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "bodies": self.bodies}

    def entries(self) -> list[RegistrationEntry]:
        """The registrations as they should be after saving: kept, changed and new, not removed."""
        return [
            form.entry()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def formats(self) -> list[ProfessionalBody]:
        """The offered bodies that publish a format, for the page's "what numbers look like"."""
        return [body for body in self.bodies if body.active and body.number_example]


RegistrationFormSet = cast(type[BaseRegistrationFormSet], inlineformset_factory(
    User,
    ProfessionalRegistration,
    form=RegistrationForm,
    formset=BaseRegistrationFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_REGISTRATIONS,
    validate_max=True,
))
