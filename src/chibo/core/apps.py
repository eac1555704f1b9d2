from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chibo.core"
    label = "core"

    def ready(self) -> None:
        from .workdays import connect_signals

        connect_signals()
