from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "chibo.targets"
    label = "targets"
    verbose_name = _("Targets")

    def ready(self) -> None:
        from chibo.members.interchange import registry

        from .interchange import COLUMNS, TargetImport

        registry.register_kind(
            "targets", columns=COLUMNS, importer=TargetImport, label=_("Targets")
        )
