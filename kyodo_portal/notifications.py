"""Email notifications, sent only once the transaction that caused them has committed."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string


def render_email(template, context):
    """Render ``emails/<template>.txt``: the first line is the subject, the rest the body.
    Every template gets ``site_url`` (SITE_URL) to write absolute links."""
    text = render_to_string(
        f"emails/{template}.txt",
        {"portal_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context},
    )
    subject, _, body = text.strip().partition("\n")
    return f"[{settings.SITE_NAME}] {subject.strip()}", body.strip() + "\n"


def notify_after_commit(*, to, template, context):
    """Send the email after the current transaction commits; nothing is sent if it rolls back.

    ``to`` is a list of addresses; empty entries and duplicates are dropped, and each
    recipient gets their own message so that addresses are not disclosed to each other.
    """
    recipients = list(dict.fromkeys(address for address in to if address))
    if not recipients:
        return
    subject, body = render_email(template, context)

    def send():
        for address in recipients:
            EmailMessage(subject, body, to=[address]).send()

    transaction.on_commit(send)
