from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cakupan.accounts"
    verbose_name = "Akun"
