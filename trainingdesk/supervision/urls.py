from django.urls import path

from trainingdesk.supervision import views

app_name = "supervision"
urlpatterns = [
    path("allocate/", views.allocate, name="allocate"),
]
