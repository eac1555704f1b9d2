from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("issue/<int:org_id>/", views.issue_view, name="issue"),
    path("<int:document_id>/", views.detail_view, name="detail"),
    path("<int:document_id>/amend/", views.amend_view, name="amend"),
    path("<int:document_id>/withdraw/", views.withdraw_view, name="withdraw"),
    path("attachments/<int:attachment_id>/", views.attachment_view, name="attachment"),
]
