from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "cakupan.web"
    verbose_name = "Web"
