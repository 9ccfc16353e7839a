"""Login security: the client address behind proxies, lock-out beyond one address from one IP,
and a log line for every failed login.

Refused accesses (403 and 404) are logged by Django's ``django.request`` logger at WARNING;
failed logins are logged here (the address tried and the client IP, never the password) and
counted by django-axes, which locks the pair out for ``AXES_COOLOFF_TIME``.
``LoginLockoutHandler`` adds the limits per IP and per address over the same records.
"""

import ipaddress
import logging

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models import Sum
from django.dispatch import receiver
from django.shortcuts import render

logger = logging.getLogger("kyodo_portal.security")


def client_ip(request):
    """The address of the client, counting ``TRUSTED_PROXY_COUNT`` proxies of our own in front.

    Each of our proxies appends to X-Forwarded-For the address it received the request from, so
    the header reads ``[whatever the client sent…], client, proxy 1, …, proxy N-1`` and
    REMOTE_ADDR is proxy N. A client can write anything on the left of what our proxies append,
    never on its right; so the client is the N-th entry from the right, and entries further left
    are never believed, however many there are.

    - 0 (the default): no proxy; REMOTE_ADDR is the client and the header is ignored entirely.
    - The header has fewer than N entries: the request skipped a proxy (a health check, a
      request from inside); the left-most entry is the farthest address a proxy of ours saw.
      This gives a client nothing the rule above does not: one that can skip a proxy can also
      pad the header to N entries.
    - An entry that is no IP address (``unknown``, garbage) is passed over towards the right,
      towards our own proxies, never towards the client's side. A port is dropped.

    The count must match the deployment exactly, and the application must be reachable only
    through these proxies: set too high, the client chooses its address; set too low, everyone
    shares a proxy's address (and its lock-out).
    """
    remote_addr = _ip_address(request.META.get("REMOTE_ADDR", "")) or ""
    trusted_proxies = settings.TRUSTED_PROXY_COUNT
    if trusted_proxies < 1:
        return remote_addr
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in hops[max(len(hops) - trusted_proxies, 0) :]:
        address = _ip_address(hop)
        if address:
            return address
    return remote_addr


def _ip_address(text):
    """``text`` as a normalised IP address (``192.0.2.1:443`` and ``[2001:db8::1]:443`` lose the
    port), or None when it is none."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if getattr(address, "scope_id", None):
        return None
    return str(address)


class LockedOut:
    """Why a login is refused: shown on the lock-out page and logged."""

    ADDRESS = "address"  # this address (from this IP, or from many IPs)
    NETWORK = "network"  # this IP, for every address


class LoginLockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, with two limits besides the one per (address, IP).

    Axes counts the failures of each (address, IP) pair within the cool-off. From the same
    records this handler also refuses an IP that failed LOGIN_FAILURE_LIMIT_PER_IP times over
    any addresses (password spraying), and an address that failed LOGIN_FAILURE_LIMIT_PER_EMAIL
    times from any IPs (distributed guessing). Axes itself cannot do this: with several lockout
    parameters it compares the largest of their counts with one AXES_FAILURE_LIMIT, which would
    lock an office sharing one NAT address out after five failures of any of its people; and
    its reset on success would delete every failure of the IP.

    Each pair adds at most AXES_FAILURE_LIMIT to the wider counts: one person retrying a locked
    address cannot lock out the office that shares their IP, and one IP cannot lock an address
    out for everyone. A success deletes that pair's failures only (AXES_RESET_ON_SUCCESS): they
    were that person's own typos. The failures against other addresses stay, so signing in to
    an account of one's own does not reset a spray. The limits ease as the failures age past
    the cool-off, as axes' own does; the counts live in the database, shared by every process.
    """

    def is_locked(self, request, credentials=None):
        if super().is_locked(request, credentials):
            request.login_locked_out = LockedOut.ADDRESS
            return True
        reason, _count, _limit = self.wider_lockout(request, credentials)
        if reason:
            request.login_locked_out = reason
        return reason is not None

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out or self.is_whitelisted(request, credentials):
            return
        reason, count, limit = self.wider_lockout(request, credentials)
        if reason is None:
            return
        request.axes_locked_out = True
        request.axes_credentials = credentials
        request.login_locked_out = reason
        logger.warning(
            "ログイン一時停止（%s からの失敗 %d 回、上限 %d）: %s (IP %s)",
            "同じ IP" if reason == LockedOut.NETWORK else "多くの IP",
            count,
            limit,
            get_client_username(request, credentials),
            request.axes_ip_address or "-",
        )

    def wider_lockout(self, request, credentials):
        """(reason, failures, limit) of the first wider limit reached, or (None, None, None)."""
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return None, None, None
        ip_address = request.axes_ip_address
        if ip_address:
            limit = settings.LOGIN_FAILURE_LIMIT_PER_IP
            count = self.capped_failures(request, credentials, "username", ip_address=ip_address)
            if count >= limit:
                return LockedOut.NETWORK, count, limit
        username = get_client_username(request, credentials)
        if username:
            limit = settings.LOGIN_FAILURE_LIMIT_PER_EMAIL
            count = self.capped_failures(request, credentials, "ip_address", username=username)
            if count >= limit:
                return LockedOut.ADDRESS, count, limit
        return None, None, None

    def capped_failures(self, request, credentials, per, **match):
        """Failures within the cool-off matching ``match``, each ``per`` value (address or IP)
        adding at most the failure limit of one pair."""
        cap = get_failure_limit(request, credentials)
        failures = (
            AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request), **match)
            .values(per)
            .annotate(failures=Sum("failures_since_start"))
            .values_list("failures", flat=True)
        )
        return sum(min(count, cap) for count in failures)


def lockout_response(request, original_response=None, credentials=None):
    """The lock-out page (AXES_LOCKOUT_CALLABLE): which lock, and when to try again."""
    cool_off_seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {
            "reason": getattr(request, "login_locked_out", LockedOut.ADDRESS),
            "minutes": max(cool_off_seconds // 60, 1),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(cool_off_seconds)
    return response


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


def session_key_changed(old_key, new_key):
    """The session got a new key (after the second factor, a password change): its record
    follows, so it is still listed and can be ended."""
    from kyodo_portal.models import AccountSession

    if old_key and new_key and old_key != new_key:
        AccountSession.objects.filter(session_key=old_key).update(session_key=new_key)


def end_session_record(record):
    """End one recorded session: the session itself (whatever engine keeps it) and its record."""
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore
    store(record.session_key).delete()
    record.delete()


def end_sessions_of(user, except_key=None):
    """End every session signed in as ``user`` (but ``except_key``, the one in use), from the
    record each sign-in leaves (kyodo_portal.models.AccountSession).

    Django already refuses an inactive user, or a session from before a password change, on the
    next request; this also removes the sessions themselves, so nothing signed in as them is
    left behind. Returns how many ended."""
    from kyodo_portal.models import AccountSession

    records = AccountSession.objects.filter(user=user)
    if except_key:
        records = records.exclude(session_key=except_key)
    ended = 0
    for record in records:
        end_session_record(record)
        ended += 1
    return ended


def _end_sessions_of_deactivated_user(sender, instance, created, update_fields=None, **kwargs):
    """A save that leaves the account inactive ends its sessions (a save of other fields only,
    such as the last login time, is not a deactivation)."""
    if created or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    end_sessions_of(instance)


def connect_signals():
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_save

    post_save.connect(
        _end_sessions_of_deactivated_user,
        sender=get_user_model(),
        dispatch_uid="kyodo_portal.security.end_sessions_of_deactivated_user",
    )
