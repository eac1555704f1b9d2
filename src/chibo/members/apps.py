from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "chibo.members"
    label = "members"

    def ready(self) -> None:
        from chibo.orgs.signals import unit_dated

        from .stats import on_unit_dated

        unit_dated.connect(on_unit_dated, dispatch_uid="members-unit-counts")
