from django.urls import path

from trainingdesk.certificates import views
from trainingdesk.lib.verification import PATH_PREFIX

app_name = "certificates"
# The verification pages' path is lib.verification's (printed on paper and in QR codes, and
# built there by the apps below this one, which may not reverse these URLs).
urlpatterns = [
    path(PATH_PREFIX, views.verify_form, name="verify_form"),
    path(f"{PATH_PREFIX}<str:code>/", views.verify, name="verify"),
    path(f"{PATH_PREFIX}<str:code>/revoke/", views.revoke, name="revoke"),
    path("my-training/confirmations/<str:code>.pdf", views.confirmation_download,
         name="confirmation_pdf"),
]
