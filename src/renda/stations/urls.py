from django.urls import path

from . import views

app_name = "stations"

urlpatterns = [
    path("", views.stations_list, name="list"),
    path("new/", views.station_edit, name="new"),
    path("<int:pk>/edit/", views.station_edit, name="edit"),
    path("messages/", views.message_list, name="messages"),
    path("messages/export.xlsx", views.export, name="export"),
    path("messages/<int:pk>/", views.message_detail, name="message"),
    path("messages/<int:pk>/photo", views.message_photo, name="message_photo"),
    path("messages/<int:pk>/assist/", views.message_assist, name="message_assist"),
    path("messages/<int:pk>/act/<str:verb>/", views.message_act, name="message_act"),
    path("inbox/", views.inbox, name="inbox"),
    path("keeper/", views.keeper, name="keeper"),
    path("<int:pk>/poster.pdf", views.poster, name="poster"),
    path("<int:pk>/receptions/new/", views.reception_new, name="reception_new"),
    path("receptions/<int:pk>/", views.reception, name="reception"),
    path("receptions/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("receptions/photos/<int:pk>/", views.reception_photo, name="reception_photo"),
    path("figures/", views.figures_page, name="figures"),
    path("figures/export.xlsx", views.figures_export, name="figures_export"),
]
