from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "cakupan.programmes"
    label = "programmes"
    verbose_name = "Program bersponsor"
