from django.urls import path

from . import views

app_name = "targets"
urlpatterns = [
    path("<int:org_id>/", views.targets_view, name="unit"),
    path("<int:org_id>/set/", views.set_view, name="set"),
    path("remove/<int:target_id>/", views.remove_view, name="remove"),
]
