from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "chibo.assessment"
    label = "assessment"
    verbose_name = _("Quality classification")

    def ready(self) -> None:
        from chibo.orgs.signals import subtree_moved

        from .services import paths_follow_the_tree

        subtree_moved.connect(paths_follow_the_tree, dispatch_uid="assess-paths")
