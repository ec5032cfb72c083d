from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "renda.archive"
    label = "archive"
    verbose_name = "履职档案"

    def ready(self) -> None:
        # Suggestions become duty records through the transition log (see capture.py).
        from . import signals  # noqa: F401
