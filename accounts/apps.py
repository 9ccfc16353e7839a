from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("アカウント")

    def ready(self):
        from accounts import closing, my_data, services

        services.connect_signals()
        # What closing does to the account itself and what the person downloads about it
        # (accounts/personal_data.py: each app above registers its own in its ready()).
        closing.register()
        my_data.register()
