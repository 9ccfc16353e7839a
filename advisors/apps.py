from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvisorsConfig(AppConfig):
    name = "advisors"
    verbose_name = _("専門アドバイザー派遣")

    def ready(self):
        # Advisor requests in "download my data" and on the closing page (accounts/personal_data.py).
        from advisors import personal_data

        personal_data.register()
