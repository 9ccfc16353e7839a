from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("協働の環境整備（催し・お知らせ・窓口）")

    def ready(self):
        from kyodo_portal import page_cache

        page_cache.watch_app(self)
