from django.apps import AppConfig


class AssistConfig(AppConfig):
    name = "renda.assist"
    label = "assist"
    verbose_name = "智能辅助"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (counts new assignments for retraining)
