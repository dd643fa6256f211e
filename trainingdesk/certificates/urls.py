from django.urls import path

from trainingdesk.certificates import pathway, views
from trainingdesk.lib.verification import PATH_PREFIX

app_name = "certificates"
# The verification pages' path is lib.verification's (printed on paper and in QR codes, and
# built there by the apps below this one, which may not reverse these URLs).
urlpatterns = [
    path(PATH_PREFIX, views.verify_form, name="verify_form"),
    path(f"{PATH_PREFIX}<str:code>/", views.verify, name="verify"),
    path(f"{PATH_PREFIX}<str:code>/credential.json", views.verify_credential,
         name="verify_credential"),
    path(f"{PATH_PREFIX}<str:code>/revoke/", views.revoke, name="revoke"),
    path(f"{PATH_PREFIX}<str:code>/reissue/", views.reissue, name="reissue"),
    # Before bookings' my-training/<reference>/ (config/urls.py includes this app first).
    path("my-training/pathway/", pathway.pathway, name="pathway"),
    path("my-training/confirmations/<str:code>.pdf", views.confirmation_download,
         name="confirmation_pdf"),
    path("my-training/certificates/<str:code>.pdf", views.certificate_download,
         name="certificate_pdf"),
    path("my-training/certificates/<str:code>.json", views.certificate_credential,
         name="certificate_credential"),
    path("control/runs/<int:run_id>/certificates.zip", views.run_certificates,
         name="run_certificates"),
    # Open Badges: our did:web document, and the revocation status list every credential names.
    path(".well-known/did.json", views.did_json, name="did_json"),
    path("credentials/status/revocation", views.status_list, name="status_list"),
]
