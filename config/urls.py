from django.contrib import admin
from django.urls import include, path

from trainingdesk.accounts.views import calendar_feed
from trainingdesk.lib.views import healthz

admin.site.site_header = "Trainingdesk back office"
admin.site.site_title = "Trainingdesk back office"
admin.site.index_title = "Catalogue, people and records"

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("back-office/", admin.site.urls),
    path("accounts/", include("trainingdesk.accounts.urls")),
    # A person's private calendar subscription (accounts.feeds): fetched by calendar apps.
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
    path("control/emails/", include("trainingdesk.notifications.urls")),
    path("control/", include("trainingdesk.bookings.control_urls")),
    path("attendance/", include("trainingdesk.attendance.urls")),
    path("admissions/", include("trainingdesk.admissions.urls")),
    path("supervision/", include("trainingdesk.supervision.urls")),
    path("coursework/", include("trainingdesk.coursework.urls")),
    path("api/v1/", include("trainingdesk.api.urls")),
    path("", include("trainingdesk.api.page_urls")),  # API tokens: profile and /control/api-tokens/
    path("control/webhooks/", include("trainingdesk.webhooks.urls")),
    path("privacy/", include("trainingdesk.privacy.urls")),
    path("", include("trainingdesk.certificates.urls")),
    path("", include("trainingdesk.invoicing.urls")),
    path("", include("trainingdesk.bookings.urls")),
    path("", include("trainingdesk.catalogue.urls")),
]
