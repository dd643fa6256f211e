from django.urls import path

from trainingdesk.coursework import views

app_name = "coursework"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/", views.portfolio, name="portfolio"),
    path("<int:pk>/parts/<int:component_id>/<int:number>/", views.part, name="part"),
    path("<int:pk>/parts/<int:component_id>/<int:number>/file", views.draft_file, name="draft_file"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/extension/", views.extension, name="extension"),
    path("marking/", views.marking, name="marking"),
    path("marking/<int:pk>/", views.mark, name="mark"),
    path("marking/<int:pk>/files/<int:piece_pk>", views.submitted_file, name="submitted_file"),
    path("review/", views.review, name="review"),
    path("review/<int:pk>/allocate/", views.allocate, name="allocate"),
]
