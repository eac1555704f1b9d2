from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "chibo.recruitment"
    label = "recruitment"
    verbose_name = _("Recruitment")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from chibo.core.models import Holiday
        from chibo.members.interchange import registry
        from chibo.orgs.signals import subtree_moved

        from .interchange import COLUMNS, ClassImport
        from .services import deadlines_refresh_on_holiday, paths_follow_the_tree

        registry.register_kind(
            "classes", columns=COLUMNS, importer=ClassImport, label=_("Awareness classes")
        )
        post_save.connect(deadlines_refresh_on_holiday, sender=Holiday, dispatch_uid="rec-hol-s")
        post_delete.connect(deadlines_refresh_on_holiday, sender=Holiday, dispatch_uid="rec-hol-d")
        subtree_moved.connect(paths_follow_the_tree, dispatch_uid="rec-paths")
