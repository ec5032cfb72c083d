from django.urls import path

from . import views_public

app_name = "suggestions_public"

urlpatterns = [
    path("", views_public.public_list, name="list"),
    path("<int:pk>/", views_public.public_detail, name="detail"),
]
