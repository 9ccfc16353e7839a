"""Email notifications, recorded with the action and sent only once its transaction has
committed (kyodo_portal/outbox.py: retried, and visible to 県民協働課 when they fail)."""

from django.conf import settings
from django.template.loader import render_to_string

from kyodo_portal import outbox

# Context that puts a link into the mail which confirms an address, sets a password or cancels
# a registration: such a mail's body is not shown in the admin and is blanked once sent.
SECRET_LINK_CONTEXT = frozenset({"confirm_url", "cancel_url", "token"})


def render_email(template, context):
    """Render ``emails/<template>.txt``: the first line is the subject, the rest the body.
    Every template gets ``site_url`` (SITE_URL) to write absolute links."""
    text = render_to_string(
        f"emails/{template}.txt",
        {"portal_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context},
    )
    subject, _, body = text.strip().partition("\n")
    return f"[{settings.SITE_NAME}] {subject.strip()}", body.strip() + "\n"


def notify_after_commit(*, to, template, context, reference=""):
    """Send the email after the current transaction commits; nothing is sent if it rolls back.

    ``to`` is a list of addresses; empty entries and duplicates are dropped, and each
    recipient gets their own message so that addresses are not disclosed to each other.
    ``reference`` names what the mail is about for a ``outbox.when_sent`` callback.
    """
    if not any(to):
        return []
    subject, body = render_email(template, context)
    return outbox.record(
        to=to,
        subject=subject,
        body=body,
        template=template,
        reference=reference,
        holds_secret_link=bool(SECRET_LINK_CONTEXT & context.keys()),
    )
