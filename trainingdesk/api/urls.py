from django.urls import URLPattern, URLResolver, path, re_path

from trainingdesk.api import views
from trainingdesk.api.api import api

app_name = "api"


def _as_problems(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = views.problem_when_not_allowed(pattern.callback)
    return patterns


urlpatterns: list[URLPattern | URLResolver] = [
    path("docs/assets/<str:name>", views.docs_asset, name="docs_asset"),
    *_as_problems(api.urls[0]),
    re_path(r"^(?P<rest>.*)$", views.not_found),  # last: any other address is a problem too
]
