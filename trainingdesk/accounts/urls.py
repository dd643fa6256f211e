from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from trainingdesk.accounts import views
from trainingdesk.accounts.forms import ChangePasswordForm, NewPasswordForm, ResetPasswordForm, SignInForm

# Django's own views, with our templates. They live under accounts/ rather than registration/
# because the admin's registration/ templates come first in INSTALLED_APPS and would win.
app_name = "accounts"
urlpatterns = [
    path(
        "sign-in/",
        views.SignInView.as_view(
            form_class=SignInForm, template_name="accounts/sign_in.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-up/", views.signup, name="signup"),
    path("sign-up/check-your-email/", views.signup_sent, name="signup_sent"),
    path("sign-up/confirm/<str:token>/", views.signup_finish, name="signup_confirm"),
    path("start/", views.landing, name="landing"),
    path("profile/", views.profile, name="profile"),
    path("profile/calendar-feed/new/", views.calendar_feed_new, name="calendar_feed_new"),
    path("profile/calendar-feed/revoke/", views.calendar_feed_revoke, name="calendar_feed_revoke"),
    path(
        "password/change/",
        views.ChangePasswordView.as_view(
            form_class=ChangePasswordForm,
            template_name="accounts/password_change_form.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        views.ResetPasswordView.as_view(
            form_class=ResetPasswordForm,
            template_name="accounts/password_reset_form.html",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.ResetPasswordConfirmView.as_view(
            form_class=NewPasswordForm,
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
