from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("協働の環境整備（催し・お知らせ・窓口）")

    def ready(self):
        from kyodo_portal import page_cache
        from outreach import retention

        retention.register()

        page_cache.watch_app(
            self,
            # A registration counts on public pages (the seats left) once it holds or awaits a
            # place at a public event; a guest's unconfirmed one does not.
            shown={
                "Event": lambda event: event.is_public,
                "Registration": lambda registration: (
                    registration.holds_or_awaits_a_place and registration.event.is_public
                ),
                "NewsItem": lambda item: item.is_published,
                "PromoterContact": lambda contact: contact.is_listed,
            },
        )

        # 催しの申込 in "download my data" and in closing an account (accounts/personal_data.py).
        from outreach import personal_data

        personal_data.register()
