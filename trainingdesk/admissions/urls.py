from django.urls import path

from trainingdesk.admissions import views

app_name = "admissions"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("apply/<int:level_id>/", views.apply, name="apply"),
    path("review/", views.queue, name="queue"),
    path("review/<str:reference>/", views.review, name="review"),
    path("<str:reference>/", views.application_page, name="application"),
    path("<str:reference>/evidence/<int:evidence_id>/", views.evidence_file, name="evidence"),
]
