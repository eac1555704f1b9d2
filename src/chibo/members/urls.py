from django.urls import include, path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("<int:member_id>/", views.detail_view, name="detail"),
    path("<int:member_id>/edit/", views.edit_view, name="edit"),
    path("<int:member_id>/events/new/", views.event_view, name="event"),
    path("<int:member_id>/events/<int:event_id>/void/", views.void_view, name="void"),
    path("import/", include("chibo.members.import_urls")),
]
