from django.urls import path

from trainingdesk.supervision import views

app_name = "supervision"
urlpatterns = [
    path("allocate/", views.allocate, name="allocate"),
    path("mine/", views.mine, name="mine"),
    path("groups/<int:group_id>/", views.group_page, name="group"),
    path("sessions/<int:session_id>/register/", views.register, name="register"),
    path("sessions/<int:session_id>/move/", views.move, name="move"),
    path("sessions/<int:session_id>/cancel/", views.cancel, name="cancel"),
    path("sessions/<int:session_id>/guests/", views.guest, name="guest"),
]
