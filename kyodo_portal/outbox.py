"""Every mail the portal sends goes through here (issue 17).

A mail is recorded (``OutgoingMail``) in the transaction of the action that causes it, so that
it exists exactly when the action does; once that transaction commits a task sends it
(``kyodo_portal.tasks.send_mail``). A mail server that refuses or cannot be reached costs the
person nothing: the action stays saved, the page answers as usual, and the mail is tried again
``MAIL_RETRY_SECONDS`` after the start of the failed try, four times as long each time, ``MAIL_MAX_ATTEMPTS`` tries in all.
After the last it is 送信失敗, listed for 県民協働課 in the admin with a resend action.

A try claims the mail first (送信中, one conditional UPDATE), so two senders never send it
twice; a sender that died while 送信中 leaves it to ``send_due``, which makes it 送信待ち again
after ``STUCK_AFTER``. Only a process killed between the mail server's "accepted" and the
database's "sent" can deliver a mail twice; every try carries the same Message-ID, so that the
receiving side can tell.

An app that must know when a mail really went out (a CSO's verification reminder is marked
sent only then) registers ``when_sent(template, callback)`` in its ``AppConfig.ready()``.
"""

import datetime
import logging
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kyodo_portal.models import OutgoingMail

logger = logging.getLogger("kyodo_portal.outbox")

# A sender that claimed a mail and did not report back within this time died (an SMTP try
# gives up after the connection's timeout, 10 s).
STUCK_AFTER = datetime.timedelta(minutes=10)
# With a queue that runs deferred tasks, a retry has its own task; the sweep leaves a mail
# alone until it is this late, so that it does not queue a second task for it.
SWEEP_GRACE = datetime.timedelta(minutes=2)
SWEEP_BATCH = 500
SENT_SECRET_BODY = "（一度だけ使えるリンクを含むため、送信後に本文を消しました）"

_when_sent = {}


def when_sent(template, callback):
    """Call ``callback(mail)`` after a mail of ``template`` has been handed to the mail server."""
    _when_sent.setdefault(template, []).append(callback)


def retry_delay(attempts):
    """The pause after the ``attempts``-th failed try."""
    return datetime.timedelta(seconds=settings.MAIL_RETRY_SECONDS * 4 ** (attempts - 1))


def record(*, to, subject, body, template="", reference="", holds_secret_link=False):
    """Record one mail per address (duplicates and blanks dropped) and send them once the
    current transaction commits; nothing is recorded or sent if it rolls back."""
    recipients = list(dict.fromkeys(address for address in to if address))
    mails = OutgoingMail.objects.bulk_create(
        [
            OutgoingMail(
                to=address,
                subject=subject,
                body=body,
                template=template,
                reference=reference,
                holds_secret_link=holds_secret_link,
            )
            for address in recipients
        ]
    )
    if mails:
        ids = [mail.pk for mail in mails]
        # robust: a failure here must not cost the callbacks registered after this one.
        transaction.on_commit(lambda: enqueue(ids), robust=True)
    return mails


def enqueue(ids, *, run_after=None):
    """Queue a send task for each mail. A queue that cannot take them now leaves them 送信待ち
    for the sweep (``send_due``)."""
    from kyodo_portal.tasks import send_mail

    task = send_mail.using(run_after=run_after) if run_after is not None else send_mail
    for mail_id in ids:
        try:
            task.enqueue(mail_id)
        except Exception:
            logger.exception(
                "送信メール %s をキューに入れられませんでした（定期の再送で送ります）", mail_id
            )


def _message_id(mail):
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<kyodo-mail-{mail.pk}.{int(mail.created_at.timestamp())}@{domain}>"


def _can_defer():
    from kyodo_portal.tasks import send_mail

    return send_mail.get_backend().supports_defer


def send(mail_id):
    """One try at a mail: returns its status afterwards, or None when it was not this try's to
    send (already sent, being sent, failed for good, or not due yet)."""
    now = timezone.now()
    claimed = OutgoingMail.objects.filter(
        pk=mail_id, status=OutgoingMail.Status.PENDING, next_attempt_at__lte=now
    ).update(
        status=OutgoingMail.Status.SENDING,
        claimed_at=now,
        last_attempt_at=now,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    mail = OutgoingMail.objects.get(pk=mail_id)
    try:
        EmailMessage(
            mail.subject, mail.body, to=[mail.to], headers={"Message-ID": _message_id(mail)}
        ).send()
    except Exception as error:
        return _failed(mail, error)
    mail.status = OutgoingMail.Status.SENT
    mail.sent_at = timezone.now()
    mail.last_error = ""
    fields = ["status", "sent_at", "last_error"]
    if mail.holds_secret_link:
        mail.body = SENT_SECRET_BODY
        fields.append("body")
    mail.save(update_fields=fields)
    for callback in _when_sent.get(mail.template, ()):
        try:
            callback(mail)
        except Exception:
            logger.exception("送信後の処理に失敗しました: %s (%s)", mail.template, mail.reference)
    return mail.status


def _failed(mail, error):
    mail.last_error = f"{type(error).__name__}: {error}"[:2000]
    if mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
        mail.status = OutgoingMail.Status.FAILED
        logger.error(
            "メールを送れませんでした（%d 回目、これで最後）: %s %s — %s",
            mail.attempts,
            mail.template,
            mail.pk,
            mail.last_error,
        )
    else:
        mail.status = OutgoingMail.Status.PENDING
        mail.next_attempt_at = mail.last_attempt_at + retry_delay(mail.attempts)
        logger.warning(
            "メールを送れませんでした（%d 回目、%s に再送）: %s %s — %s",
            mail.attempts,
            timezone.localtime(mail.next_attempt_at).strftime("%H:%M:%S"),
            mail.template,
            mail.pk,
            mail.last_error,
        )
    mail.save(update_fields=["status", "next_attempt_at", "last_error"])
    if mail.status == OutgoingMail.Status.PENDING and _can_defer():
        enqueue([mail.pk], run_after=mail.next_attempt_at)
    return mail.status


def send_due(now=None):
    """The sweep (every minute, by the scheduler): mail left 送信中 by a sender that died is
    made 送信待ち again, and every mail due is queued. With the in-process backend this is what
    sends a retry; with the database queue a retry has its own task, and the sweep catches only
    what fell through (a queue that was down at commit time). Returns how many it queued."""
    now = now or timezone.now()
    stuck = OutgoingMail.objects.stuck(now - STUCK_AFTER).update(
        status=OutgoingMail.Status.PENDING, next_attempt_at=now
    )
    if stuck:
        logger.warning("送信中のまま止まっていたメール %d 通を送信待ちに戻しました", stuck)
    late = now - SWEEP_GRACE if _can_defer() else now
    ids = list(
        OutgoingMail.objects.due(late)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    enqueue(ids)
    return len(ids)


def resend(mails):
    """Try failed mail again from the start (the admin's action); returns how many."""
    ids = list(mails.filter(status=OutgoingMail.Status.FAILED).values_list("pk", flat=True))
    with transaction.atomic():
        OutgoingMail.objects.filter(pk__in=ids).update(
            status=OutgoingMail.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        transaction.on_commit(lambda: enqueue(ids), robust=True)
    return len(ids)
