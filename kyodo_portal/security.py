"""Login security: the client address behind a proxy, and a log line for every failed login.

Refused accesses (403 and 404) are logged by Django's ``django.request`` logger at WARNING;
failed logins are logged here (the address tried and the client IP, never the password) and
counted by django-axes, which locks the pair out for ``AXES_COOLOFF_TIME``.
"""

import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("kyodo_portal.security")


def client_ip(request):
    """REMOTE_ADDR, or behind our TLS proxy (BEHIND_TLS_PROXY=1) the address it appended last.

    Only the right-most X-Forwarded-For entry is written by our own proxy; the ones before it
    come from the client and are not trusted.
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


@receiver(user_login_failed, dispatch_uid="kyodo_portal.security.log_failed_login")
def log_failed_login(sender, credentials, request=None, **kwargs):
    username = credentials.get("username") or credentials.get("email") or ""
    logger.warning(
        "ログイン失敗: %s (IP %s)",
        username[:254],
        client_ip(request) if request is not None else "-",
    )


@receiver(user_logged_in, dispatch_uid="kyodo_portal.security.log_login")
def log_login(sender, request, user, **kwargs):
    logger.info("ログイン: 利用者 %s (IP %s)", user.pk, client_ip(request) if request else "-")


def login_username(request, credentials):
    """The address a login attempt is counted against: trimmed and lower-cased, as User stores
    it, so that ``Taro@Example.jp`` and ``taro@example.jp`` share one failure count."""
    value = ""
    if credentials:
        value = credentials.get("username") or credentials.get("email") or ""
    elif request is not None:
        value = request.POST.get("username", "")
    return str(value).strip().lower()[:254]


def end_sessions_of(user):
    """Delete every stored session signed in as ``user`` (database sessions).

    Django already refuses an inactive user on the next request; this also removes the
    sessions themselves, so nothing signed in as them is left behind.
    """
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


def _end_sessions_of_deactivated_user(sender, instance, created, **kwargs):
    if not created and not instance.is_active:
        end_sessions_of(instance)


def connect_signals():
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_save

    post_save.connect(
        _end_sessions_of_deactivated_user,
        sender=get_user_model(),
        dispatch_uid="kyodo_portal.security.end_sessions_of_deactivated_user",
    )
