from django.apps import AppConfig


class AwardConfig(AppConfig):
    name = "cakupan.award"
    label = "award"
    verbose_name = "Paritrana Award"
