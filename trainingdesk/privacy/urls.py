from django.urls import path

from trainingdesk.privacy import views

app_name = "privacy"
urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/erase/", views.ask_erasure, name="ask_erasure"),
    path("people/", views.people, name="people"),
    path("people/<int:person_id>/export/", views.person_export, name="person_export"),
    path("people/<int:person_id>/erasure-request/", views.record_erasure, name="record_erasure"),
    path("erasure-requests/", views.erasure_requests, name="erasure_requests"),
    path("erasure-requests/<int:erasure_id>/", views.erasure_request, name="erasure_request"),
    path("erasure-requests/<int:erasure_id>/confirm/", views.confirm_erasure, name="confirm_erasure"),
    path("erasure-requests/<int:erasure_id>/refuse/", views.refuse_erasure, name="refuse_erasure"),
]
