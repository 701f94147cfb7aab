from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "cakupan.linkage"
    label = "linkage"
    verbose_name = "Pencocokan orang"
