from django.contrib.auth import views as auth_views
from django.urls import path

from trainingdesk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", auth_views.LoginView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-up/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
]
