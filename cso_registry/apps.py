from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CsoRegistryConfig(AppConfig):
    name = "cso_registry"
    verbose_name = _("CSO 名簿")

    def ready(self):
        from kyodo_portal import page_cache

        page_cache.watch_app(
            self,
            internal=["CSOHistoryEntry", "Membership"],
            # Only published CSOs (and their survey answers) are on public pages; the date a
            # verification reminder went out is shown nowhere.
            shown={
                "CSO": lambda cso: cso.is_public,
                "SurveyAnswer": lambda answer: answer.cso.is_public,
            },
            private={"CSO": ["verification_reminded_on"]},
        )

        # Memberships in "download my data" and in closing an account (accounts/personal_data.py).
        from cso_registry import personal_data

        personal_data.register()

        # A verification reminder counts once it has really gone out (kyodo_portal/outbox.py).
        from cso_registry import services
        from kyodo_portal import outbox

        outbox.when_sent(services.REMINDER_TEMPLATE, services.cso_reminder_sent)
