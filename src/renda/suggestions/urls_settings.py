from django.urls import path

from . import views_settings

app_name = "suggestion_settings"

urlpatterns = [
    path("", views_settings.page, name="page"),
]
