from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "renda.core"
    label = "core"
    verbose_name = "基础"
