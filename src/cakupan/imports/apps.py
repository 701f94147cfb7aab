from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "cakupan.imports"
    verbose_name = "Impor"

    def ready(self) -> None:
        from cakupan.imports import jobs  # noqa: F401  registers the import job kinds
