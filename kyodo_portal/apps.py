from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KyodoPortalConfig(AppConfig):
    name = "kyodo_portal"
    verbose_name = _("ポータル基盤")

    def ready(self):
        # Pages cached for anonymous readers are retired when public data changes (issue 8).
        from kyodo_portal import page_cache

        page_cache.watch_app(
            self,
            internal=[
                "User",
                "PublicDataVersion",
                "AccountSession",
                "PersonalDataAccess",
                "OutgoingMail",
                "BackgroundJob",
                "TaskWorker",
            ],
        )

        # Django 6.1's empty choice reads "- Select an option -" and has no Japanese yet.
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = _("選択してください")

        # Failed-login logging and ending the sessions of a deactivated user (issue 9).
        from kyodo_portal import security

        security.connect_signals()

        from kyodo_portal import checks  # noqa: F401  (registers the deploy checks)
