from django.urls import path

from . import views_public

app_name = "stations_public"

urlpatterns = [
    path("s/<int:pk>/", views_public.station_page, name="station"),
    path("s/<int:pk>/qr.<str:fmt>", views_public.station_qr, name="station_qr"),
    path("d/<int:pk>/", views_public.deputy_page, name="deputy"),
    path("d/<int:pk>/qr.<str:fmt>", views_public.deputy_qr, name="deputy_qr"),
    path("track/", views_public.track, name="track"),
    path("track/<str:code>/", views_public.track, name="track_code"),
    path("track/<str:code>/new/", views_public.submitted, name="submitted"),
    path("find/", views_public.find, name="find"),
]
