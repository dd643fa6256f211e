from django.urls import path

from trainingdesk.certificates import views

app_name = "certificates"
urlpatterns = [
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("verify/<str:code>/revoke/", views.revoke, name="revoke"),
    path("my-training/confirmations/<str:code>.pdf", views.confirmation_download,
         name="confirmation_pdf"),
]
