from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "cakupan.registry"
    verbose_name = "Registri"
