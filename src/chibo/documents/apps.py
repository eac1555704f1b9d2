from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "chibo.documents"
    label = "documents"
