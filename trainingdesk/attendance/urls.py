from django.urls import path

from trainingdesk.attendance import confirmations, portal, views

app_name = "attendance"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", portal.my_attendance, name="mine"),
    path("runs/<int:run_id>/", views.run_days, name="run_days"),
    path("runs/<int:run_id>/report/", views.run_report, name="run_report"),
    path("runs/<int:run_id>/report.csv", views.run_report_csv, name="run_report_csv"),
    path("days/<int:day_id>/", views.register, name="register"),
    path("days/<int:day_id>/mark/", views.mark, name="mark"),
    path("days/<int:day_id>/mark-all-present/", views.mark_all_present, name="mark_all_present"),
    path("days/<int:day_id>/close/", views.close_register, name="close_register"),
    path("days/<int:day_id>/zoom/", views.zoom_upload, name="zoom_upload"),
    path("days/<int:day_id>/zoom/<str:token>/", views.zoom_preview, name="zoom_preview"),
    path("bookings/<str:reference>/make-up/", views.assign_make_up, name="assign_make_up"),
    path("confirmations/<str:code>/", confirmations.confirmation, name="confirmation"),
    path("confirmations/<str:code>/keep/", confirmations.keep, name="keep_confirmation"),
    path("confirmations/<str:code>/reissue/", confirmations.reissue, name="reissue_confirmation"),
]
