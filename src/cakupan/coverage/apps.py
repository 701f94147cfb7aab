from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "cakupan.coverage"
    verbose_name = "Cakupan"
