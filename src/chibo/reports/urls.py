from django.urls import path, register_converter

from . import classification_views, handbook_views, recruitment_views, views


class _Choice:
    """A path segment that is one of a fixed set of words."""

    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class ReportName(_Choice):
    regex = "|".join(views.REPORTS)


class FileFormat(_Choice):
    regex = "|".join(views.FORMATS)


register_converter(ReportName, "report")
register_converter(FileFormat, "fmt")

app_name = "reports"
urlpatterns = [
    path("<int:org_id>/", views.dashboard_view, name="dashboard"),
    path("<int:org_id>/handbook/", handbook_views.handbook_view, name="handbook"),
    path("<int:org_id>/recruitment/", recruitment_views.recruitment_view, name="recruitment"),
    path(
        "<int:org_id>/recruitment.<fmt:fmt>",
        recruitment_views.recruitment_export_view,
        name="recruitment_export",
    ),
    path(
        "<int:org_id>/classification/",
        classification_views.classification_view,
        name="classification",
    ),
    path(
        "<int:org_id>/classification.<fmt:fmt>",
        classification_views.classification_export_view,
        name="classification_export",
    ),
    path("<int:org_id>/export/<report:name>.<fmt:fmt>", views.export_view, name="export"),
    # one name per format, so the list's links (and the access sweep) need no arguments
    path("members.xlsx", views.members_export_view, {"fmt": "xlsx"}, name="members_xlsx"),
    path("members.csv", views.members_export_view, {"fmt": "csv"}, name="members_csv"),
    path("members.pdf", views.members_export_view, {"fmt": "pdf"}, name="members_pdf"),
]
