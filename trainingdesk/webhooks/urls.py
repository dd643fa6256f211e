"""Mounted at /control/webhooks/, beside the rest of the coordinator's control area."""

from django.urls import path

from trainingdesk.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.endpoints, name="endpoints"),
    path("new/", views.create, name="create"),
    path("<int:endpoint_id>/", views.endpoint, name="endpoint"),
    path("<int:endpoint_id>/edit/", views.edit, name="edit"),
    path("<int:endpoint_id>/disable/", views.disable, name="disable"),
    path("<int:endpoint_id>/enable/", views.enable, name="enable"),
    path("<int:endpoint_id>/test/", views.send_test, name="send_test"),
    path("<int:endpoint_id>/deliveries/<int:delivery_id>/", views.delivery, name="delivery"),
    path("<int:endpoint_id>/deliveries/<int:delivery_id>/send-again/", views.send_again,
         name="send_again"),
]
