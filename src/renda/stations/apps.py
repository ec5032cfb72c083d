from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "renda.stations"
    label = "stations"
    verbose_name = "联络站"
