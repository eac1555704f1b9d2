from django.urls import path

from . import import_views

urlpatterns = [
    path("", import_views.import_view, name="import"),
    path("<int:job_id>/", import_views.import_job_view, name="import_job"),
    path("<int:job_id>/status/", import_views.import_status_view, name="import_status"),
    path("<int:job_id>/errors.csv", import_views.import_errors_view, name="import_errors"),
]
