"""System checks of the portal's own settings (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_https(app_configs, **kwargs):
    """Emails link to SITE_URL: in production it must be the portal's https:// address."""
    if settings.SITE_URL.startswith("https://"):
        return []
    return [
        Warning(
            "SITE_URL が https:// で始まるアドレスではありません。",
            hint="メールのリンクに使うポータルのアドレス（例: https://kyodo.example.jp）を環境変数 SITE_URL に設定してください。",
            id="kyodo_portal.W001",
        )
    ]
