from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree_view, name="tree"),
    path("<int:org_id>/", views.detail_view, name="detail"),
    path("<int:org_id>/children/", views.children_view, name="children"),
    path("<int:org_id>/establish/", views.establish_view, name="establish"),
    path("<int:org_id>/rename/", views.rename_view, name="rename"),
    path("<int:org_id>/move/", views.move_view, name="move"),
    path("<int:org_id>/merge/", views.merge_view, name="merge"),
    path("<int:org_id>/split/", views.split_view, name="split"),
    path("<int:org_id>/dissolve/", views.dissolve_view, name="dissolve"),
]
