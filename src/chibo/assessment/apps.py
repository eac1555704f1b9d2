from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "chibo.assessment"
    label = "assessment"
    verbose_name = _("Quality classification")

    def ready(self) -> None:
        from chibo.members.interchange import registry
        from chibo.orgs.signals import subtree_moved

        from .interchange import COLUMNS, ClassificationImport
        from .services import paths_follow_the_tree

        registry.register_kind(
            "classifications",
            columns=COLUMNS,
            importer=ClassificationImport,
            label=_("Classifications"),
        )
        subtree_moved.connect(paths_follow_the_tree, dispatch_uid="assess-paths")
