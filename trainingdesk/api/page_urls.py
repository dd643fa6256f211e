"""The token pages, at the addresses people look for them: under their profile, and in the
back office (included at the site's root by config/urls.py)."""

from django.urls import path

from trainingdesk.api import views

app_name = "api_tokens"
urlpatterns = [
    path("accounts/profile/api-tokens/", views.my_tokens, name="mine"),
    path("accounts/profile/api-tokens/<int:token_id>/revoke/", views.revoke_mine, name="revoke_mine"),
    path("control/api-tokens/", views.organisation_tokens, name="organisations"),
    path("control/api-tokens/<int:token_id>/revoke/", views.revoke_organisation_token,
         name="revoke_organisation"),
]
