from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "renda.api"
    label = "api"
    verbose_name = "接口"
