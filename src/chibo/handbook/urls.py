from django.urls import path

from . import views

app_name = "handbook"
urlpatterns = [
    path("", views.app_view, name="app"),
    path("manifest.webmanifest", views.manifest_view, name="manifest"),
    path("sw.js", views.service_worker_view, name="sw"),
]
