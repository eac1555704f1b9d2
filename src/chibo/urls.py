from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from chibo.accounts.views import audit_view
from chibo.api.urls import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="orgs:tree", permanent=False), name="home"),
    path("accounts/", include("chibo.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("orgs/", include("chibo.orgs.urls")),
    path("members/", include("chibo.members.urls")),
    path("reports/", include("chibo.reports.urls")),
    path("targets/", include("chibo.targets.urls")),
    path("recruitment/", include("chibo.recruitment.urls")),
    path("assessment/", include("chibo.assessment.urls")),
    path("documents/", include("chibo.documents.urls")),
    path("handbook/", include("chibo.handbook.urls")),
    path("audit/", audit_view, name="audit"),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("api/openapi.json", RedirectView.as_view(url="/api/v1/openapi.json", permanent=False)),
    path("admin/", admin.site.urls),
]
