from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("<int:org_id>/", views.campaigns_view, name="campaigns"),
    path("<int:org_id>/open/", views.open_view, name="open"),
    path("campaign/<int:campaign_id>/<int:org_id>/", views.progress_view, name="progress"),
    path(
        "campaign/<int:campaign_id>/<int:org_id>/leader/",
        views.leader_add_view,
        name="leader_add",
    ),
    path("campaign/<int:campaign_id>/close/", views.close_view, name="close"),
    path("item/<int:assessment_id>/", views.item_view, name="item"),
    path("item/<int:assessment_id>/<str:name>/", views.step_view, name="step"),
]
