"""Mounted at /control/emails/, beside the rest of the coordinator's control area."""

from django.urls import path

from trainingdesk.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.failed_emails, name="failed_emails"),
    path("<int:email_id>/send-again/", views.send_again, name="send_again"),
]
