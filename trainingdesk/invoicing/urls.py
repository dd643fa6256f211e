from django.urls import path

from trainingdesk.invoicing import views

app_name = "invoicing"
urlpatterns = [
    # Under "My training", where participants have always found their invoices.
    path("my-training/invoices/<str:number>.pdf", views.pdf, name="pdf"),
]
