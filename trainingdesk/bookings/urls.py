from django.urls import path

from trainingdesk.bookings import views

app_name = "bookings"
urlpatterns = [
    path("courses/runs/<int:run_id>/book/", views.book, name="book"),
    path("my-training/", views.my_training, name="my_training"),
    path("my-training/<str:reference>/", views.detail, name="detail"),
    path("my-training/<str:reference>/calendar.ics", views.calendar, name="calendar"),
    path("my-training/<str:reference>/cancel/", views.cancel, name="cancel"),
    path("my-training/<str:reference>/accept-offer/", views.accept_offer, name="accept_offer"),
    path("my-training/<str:reference>/decline-offer/", views.decline_offer, name="decline_offer"),
    path("my-training/<str:reference>/leave-waitlist/", views.leave_waitlist,
         name="leave_waitlist"),
]
