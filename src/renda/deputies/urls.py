from django.urls import path

from . import views

app_name = "deputies"

urlpatterns = [
    path("", views.deputy_list, name="list"),
    path("<int:pk>/", views.deputy_detail, name="detail"),
    path("mandates/<int:pk>/end/", views.mandate_end, name="mandate_end"),
    path("export.xlsx", views.deputy_export, name="export"),
    path("template.xlsx", views.roster_template, name="template"),
    path("import/", views.roster_import, name="import"),
    path("import/<int:pk>/", views.import_status, name="import_status"),
    path("initial-passwords/", views.initial_passwords, name="initial_passwords"),
]
