from django.urls import path

from . import views

app_name = "recruitment"
urlpatterns = [
    path("<int:org_id>/", views.board_view, name="board"),
    path("<int:org_id>/list/", views.stage_view, name="list"),
    path("<int:org_id>/due/", views.due_view, name="due"),
    path("<int:org_id>/propose/", views.propose_view, name="propose"),
    path("<int:org_id>/classes/", views.classes_view, name="classes"),
    path("classes/<int:class_id>/", views.class_view, name="class"),
    path("candidate/<int:candidate_id>/", views.candidate_view, name="candidate"),
    path("candidate/<int:candidate_id>/step/<str:name>/", views.step_view, name="step"),
    path("candidate/<int:candidate_id>/paper/", views.paper_view, name="paper"),
    path("candidate/<int:candidate_id>/introducer/", views.introducer_view, name="introducer"),
    path("candidate/<int:candidate_id>/helper/", views.helper_view, name="helper"),
    path("candidate/<int:candidate_id>/person/", views.person_view, name="person"),
    path("candidate/<int:candidate_id>/extend/", views.extend_view, name="extend"),
    path(
        "introducer/<int:introducer_id>/remove/",
        views.introducer_remove_view,
        name="introducer_remove",
    ),
    path("paper/<int:paper_id>/", views.paper_file_view, name="paper_file"),
]
