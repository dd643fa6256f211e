from django.urls import path

from trainingdesk.catalogue import control_views, views

app_name = "catalogue"
urlpatterns = [
    path("", views.index, name="index"),
    path("training-map/", views.training_map, name="training_map"),
    path("courses/runs/<int:run_id>/", views.run_detail, name="run"),
    path("courses/<slug:programme>/<slug:level>/", views.level_detail, name="level"),
    path("programmes/<slug:programme>/certification/", views.certification, name="certification"),
    path("programmes/<slug:programme>/certification/guidelines/", views.guidelines, name="guidelines"),
    # The coordinator's page for them, in the control area.
    path("control/programmes/<slug:programme>/guidelines/", control_views.guidelines,
         name="guidelines_upload"),
    *(path(f"{page}/", views.provider_page, {"page": page}, name=page) for page in views.PROVIDER_PAGES),
]
