from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KyodoPortalConfig(AppConfig):
    name = "kyodo_portal"
    verbose_name = _("ポータル基盤")
