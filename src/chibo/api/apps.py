from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "chibo.api"
    label = "api"
