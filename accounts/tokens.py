"""Signed, expiring links that prove a person reads the mailbox of an address.

A token names the account and the address it confirms, and a fingerprint of the account's
state the link may change (its address and when that was confirmed): once the link has been
used, the state differs and the same link confirms nothing (single use). ``max_age`` bounds how
long it is valid (``EMAIL_CONFIRMATION_MAX_AGE``).
"""

import hashlib

from django.conf import settings
from django.core import signing

from kyodo_portal.errors import DomainError

CONFIRM_SALT = "accounts.email.confirm"


class InvalidToken(DomainError):
    """The link is broken, expired or already used; the message says which, for the person."""


def _fingerprint(user):
    state = f"{user.pk}|{user.email}|{user.email_verified_at}|{user.is_active}"
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def make_token(user, address):
    """A link's token that confirms ``address`` for ``user`` (their own address at sign-up, a
    new one when they change it)."""
    return signing.dumps(
        {"u": user.pk, "a": address, "s": _fingerprint(user)}, salt=CONFIRM_SALT, compress=True
    )


def read_token(token):
    """(user, address) the token confirms; InvalidToken when it is not valid now."""
    from django.utils.translation import gettext as _

    from kyodo_portal.models import User

    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise InvalidToken(
            _("確認のリンクの有効期限が切れています。もう一度、確認のメールを送ってください。")
        ) from error
    except signing.BadSignature as error:
        raise InvalidToken(
            _("リンクが正しくありません。メールのリンクをそのままお使いください。")
        ) from error
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or _fingerprint(user) != data.get("s"):
        raise InvalidToken(
            _("このリンクはすでに使われたか、無効になっています。ログインしてお確かめください。")
        )
    return user, data.get("a")
