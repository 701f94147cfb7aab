from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cakupan.audit"
    verbose_name = "Audit"
