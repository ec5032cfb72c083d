from django.urls import path

from . import views_figures

app_name = "suggestion_figures"

urlpatterns = [
    path("", views_figures.page, name="page"),
    path("export.xlsx", views_figures.export, name="export"),
    path("list.xlsx", views_figures.list_export, name="list_export"),
]
