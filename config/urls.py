from django.contrib import admin
from django.urls import include, path

from trainingdesk.lib.views import healthz

admin.site.site_header = "Trainingdesk back office"
admin.site.site_title = "Trainingdesk back office"
admin.site.index_title = "Catalogue, people and records"

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("back-office/", admin.site.urls),
    path("accounts/", include("trainingdesk.accounts.urls")),
    path("control/emails/", include("trainingdesk.notifications.urls")),
    path("control/", include("trainingdesk.bookings.control_urls")),
    path("attendance/", include("trainingdesk.attendance.urls")),
    path("admissions/", include("trainingdesk.admissions.urls")),
    path("", include("trainingdesk.certificates.urls")),
    path("", include("trainingdesk.invoicing.urls")),
    path("", include("trainingdesk.bookings.urls")),
    path("", include("trainingdesk.catalogue.urls")),
]
