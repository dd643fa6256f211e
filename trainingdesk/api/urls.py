from django.urls import URLPattern, URLResolver, path

from trainingdesk.api import views
from trainingdesk.api.api import api

app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("docs/assets/<str:name>", views.docs_asset, name="docs_asset"),
    *api.urls[0],
]
