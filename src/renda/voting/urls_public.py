from django.urls import path

from . import views_public

app_name = "voting_public"

urlpatterns = [
    path("", views_public.public_index, name="index"),
    path("tracker/", views_public.tracker, name="tracker"),
    path("<int:pk>/", views_public.progress, name="progress"),
    path("<int:pk>/propose/", views_public.propose, name="propose"),
    path("<int:pk>/propose/qr.svg", views_public.propose_qr, name="propose_qr"),
]
