"""The coordinator's control area, mounted at /control/."""

from django.urls import path

from trainingdesk.bookings import control_views as views

app_name = "control"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:run_id>/bookings/", views.run_bookings, name="run_bookings"),
    path("runs/<int:run_id>/bookings.csv", views.run_bookings_csv, name="run_bookings_csv"),
    path("runs/<int:run_id>/places/", views.change_places, name="change_places"),
    path("runs/<int:run_id>/book/", views.book_for_someone, name="book_for_someone"),
    path("runs/<int:run_id>/cancel/", views.cancel_run, name="cancel_run"),
    path("bookings/<str:reference>/cancel/", views.cancel_booking, name="cancel_booking"),
    path("bookings/<str:reference>/transfer/", views.transfer_booking, name="transfer_booking"),
    path("bookings/<str:reference>/payments/new/", views.record_payment, name="record_payment"),
    path("balances/", views.outstanding, name="outstanding"),
    path("balances.csv", views.outstanding_csv, name="outstanding_csv"),
    path("exports/invoices.csv", views.invoices_csv, name="invoices_csv"),
    path("exports/payments.csv", views.payments_csv, name="payments_csv"),
]
