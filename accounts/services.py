"""A person's own account: verified sign-up, the confirmed address, password recovery's
aftermath, the sessions they are signed in with.

Sign-up never tells anyone whether an address has an account: a new address gets a link to
confirm it, an address that has an account gets a notice; the person sees the same page either
way. An account whose address is not confirmed cannot sign in (``accounts.forms.LoginForm``).
Mail to an address goes out at most at the ``account_mail:email`` rate.
"""

import logging

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tokens import InvalidToken, make_token, read_token
from kyodo_portal import throttle
from kyodo_portal.access import USES_SECOND_FACTOR_SESSION_KEY
from kyodo_portal.errors import DomainError
from kyodo_portal.models import AccountSession
from kyodo_portal.notifications import notify_after_commit
from kyodo_portal.roles import Role
from kyodo_portal.security import client_ip, end_sessions_of
from kyodo_portal.site import absolute_url

logger = logging.getLogger("kyodo_portal.security")
User = get_user_model()

__all__ = ["DomainError", "InvalidToken", "read_token"]


def _normalise(address):
    return User.objects.normalize_email(address or "").strip().lower()


def _mail(address, template, **context):
    """Mail ``address`` unless it already got its share of account mail in this window."""
    if not throttle.hit("account_mail:email", address):
        logger.warning("アカウントのメールを送りませんでした（回数の上限）: %s", address)
        return
    notify_after_commit(to=[address], template=template, context=context)


def _confirm_url(user, address):
    return absolute_url(reverse("accounts:confirm_email", args=[make_token(user, address)]))


# --- sign-up -------------------------------------------------------------------------------


def signup(*, email, password, full_name):
    """Begin an account for ``email``: a new one waits for its address to be confirmed by the
    emailed link; an address that already has an account gets a notice instead (the owner may
    have forgotten they signed up). Returns the new account, or None — the caller answers the
    same either way."""
    email = _normalise(email)
    with transaction.atomic():
        if _has_account(email):
            _mail(email, "account_signup_existing", login_url=absolute_url(reverse("login")))
            return None
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email, password=password, full_name=full_name, email_verified_at=None
                )
        except IntegrityError:  # the same address, signed up at the same moment
            _mail(email, "account_signup_existing", login_url=absolute_url(reverse("login")))
            return None
        user.groups.add(Group.objects.get(name=Role.CSO_MEMBER))
        _mail(
            email,
            "account_confirm_email",
            confirm_url=_confirm_url(user, email),
            hours=_valid_hours(),
        )
    return user


def _has_account(email):
    return User.objects.filter(email__iexact=email).exists()


def _valid_hours():
    from django.conf import settings

    return int(settings.EMAIL_CONFIRMATION_MAX_AGE // 3600)


def resend_confirmation(*, email):
    """Send the link again to an account that has not confirmed its address; nothing for any
    other address (the person sees the same page)."""
    email = _normalise(email)
    user = User.objects.filter(
        email__iexact=email, is_active=True, email_verified_at__isnull=True
    ).first()
    if user is not None:
        _mail(
            email,
            "account_confirm_email",
            confirm_url=_confirm_url(user, email),
            hours=_valid_hours(),
        )
    return user


def confirm_email(*, token):
    """The emailed link was opened (and its button pressed): the account's address is
    confirmed — its own at sign-up, or the new one it asked to change to. Returns the user."""
    user, address = read_token(token)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        old = user.email
        if address != old and User.objects.filter(email__iexact=address).exists():
            raise DomainError(
                _("このメールアドレスは、ほかのアカウントで使われています。変更できませんでした。")
            )
        user.email = address
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email", "email_verified_at"])
        if address != old:
            _mail(old, "account_email_changed", new_email=address)
    return user


# --- the address of an account ------------------------------------------------------------


def email_change_request(*, user, new_email):
    """Ask to use ``new_email``: the link goes to the new address (proving it is theirs); the
    old address keeps working until then and is told. An address another account uses gets a
    notice instead of a link (the person sees the same page)."""
    new_email = _normalise(new_email)
    if new_email == user.email:
        raise DomainError(_("いまのメールアドレスと同じです。"))
    if User.objects.filter(email__iexact=new_email).exists():
        _mail(new_email, "account_signup_existing", login_url=absolute_url(reverse("login")))
    else:
        _mail(
            new_email,
            "account_confirm_new_email",
            confirm_url=_confirm_url(user, new_email),
            hours=_valid_hours(),
        )
    _mail(user.email, "account_email_change_requested", new_email=new_email)


def after_password_reset(user):
    """A new password set from the emailed link: the lock-out of the address is lifted (its
    owner proved who they are) and the address counts as confirmed."""
    AccessAttempt.objects.filter(username__iexact=user.email).delete()
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])


def has_second_factor(user):
    """Whether the person set up an authenticator app (anyone may; staff must)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


# --- sessions ------------------------------------------------------------------------------


def sessions_of(user):
    return AccountSession.objects.filter(user=user)


def end_session(*, user, record_id):
    """End one of the person's own sessions (another browser or device)."""
    from kyodo_portal.security import end_session_record

    record = AccountSession.objects.filter(user=user, pk=record_id).first()
    if record is None:
        raise DomainError(_("そのログインは、すでに終わっています。"))
    end_session_record(record)


def end_other_sessions(*, user, current_key):
    return end_sessions_of(user, except_key=current_key)


def _record_session(sender, request, user, **kwargs):
    """Each sign-in is recorded, so the person can see and end their sessions; the session
    remembers whether the person uses a second factor (asked here, once)."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[USES_SECOND_FACTOR_SESSION_KEY] = has_second_factor(user)
    if request.session.session_key is None:
        request.session.save()
    AccountSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": client_ip(request) or None,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "created_at": timezone.now(),
        },
    )


def _forget_session(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None:
        key = request.session.session_key
        if key:
            AccountSession.objects.filter(session_key=key).delete()


def connect_signals():
    user_logged_in.connect(_record_session, dispatch_uid="accounts.record_session")
    user_logged_out.connect(_forget_session, dispatch_uid="accounts.forget_session")
