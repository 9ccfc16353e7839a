"""Registration for events: seats, the waiting list, guest confirmation and cancellation.

Every operation that changes seats locks the event row first (select_for_update), so two
people taking the last seat at the same moment cannot both get it, and a cancellation
moves the next person on the waiting list up within the same transaction.
"""

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo_portal import throttle
from kyodo_portal.errors import DomainError
from kyodo_portal.notifications import notify_after_commit
from kyodo_portal.site import absolute_url
from outreach.models import Event, Registration

CONFIRM_SALT = "outreach.registration.confirm"
CANCEL_SALT = "outreach.registration.cancel"
CONFIRMATION_MAX_AGE = Registration.CONFIRMATION_MAX_AGE


def confirmation_token(registration):
    return signing.dumps({"registration": registration.pk}, salt=CONFIRM_SALT)


def cancellation_token(registration):
    return signing.dumps(
        {"registration": registration.pk, "email": registration.email}, salt=CANCEL_SALT
    )


def _lock_event(event):
    return Event.objects.select_for_update().get(pk=event.pk)


def _confirmed_count(event):
    return event.registrations.filter(status=Registration.Status.CONFIRMED).count()


def _check_can_register(event, user):
    if event.status == Event.Status.CANCELLED:
        raise DomainError(_("この催しは中止になりました。"))
    if event.status != Event.Status.PUBLISHED:
        raise DomainError(_("この催しはまだ申込を受け付けていません。"))
    if not event.may_register(user):
        raise DomainError(_("職員研修は県職員のみ申し込めます。"))
    if not event.is_open_for_registration():
        raise DomainError(_("申込の受付は終了しました。"))


def _take_seat_or_queue(event, registration, now):
    """Give a seat when one is free, otherwise a place at the end of the waiting list."""
    if _confirmed_count(event) < event.capacity:
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
    else:
        registration.status = Registration.Status.WAITLISTED
        registration.waitlisted_at = now


def _notify_registered(registration):
    cancel_url = absolute_url(
        reverse("outreach:registration_cancel", args=[cancellation_token(registration)]),
    )
    notify_after_commit(
        to=[registration.email],
        template=(
            "event_registration_confirmed"
            if registration.status == Registration.Status.CONFIRMED
            else "event_registration_waitlisted"
        ),
        context={
            "registration": registration,
            "event": registration.event,
            "event_url": absolute_url(registration.event.get_absolute_url()),
            "cancel_url": cancel_url,
        },
    )


def registration_create(*, event, user, organisation="", note=""):
    """A logged-in person registers: a seat if one is free, else the waiting list."""
    with transaction.atomic():
        event = _lock_event(event)
        _check_can_register(event, user)
        if (
            event.registrations.filter(user=user, status__in=Registration.ACTIVE_STATUSES).exists()
            or event.registrations.filter(
                email=user.email.lower(), status__in=Registration.ACTIVE_STATUSES
            ).exists()
        ):
            raise DomainError(_("この催しにはすでに申し込まれています。"))
        now = timezone.now()
        registration = Registration(
            event=event,
            user=user,
            name=user.get_full_name(),
            email=user.email.lower(),
            organisation=organisation,
            note=note,
        )
        _take_seat_or_queue(event, registration, now)
        registration.save()
        _notify_registered(registration)
    return registration


def registration_request_as_guest(*, event, name, email, organisation="", note=""):
    """A guest applies without an account: nothing is reserved until they confirm by email.

    The answer to the guest is the same whether or not the address already has a place or a
    request awaiting confirmation, so that nobody can find out from the form who takes part;
    the mail tells the owner instead. A request awaiting confirmation is never overwritten by
    another (its link would confirm what someone else typed): the address gets a notice. The
    mails go to an address nobody has confirmed yet, so they carry nothing the requester typed.
    Each address receives at most the ``guest_registration:email`` rate of these mails;
    beyond it the request is dropped, with the same answer.
    """
    email = email.strip().lower()
    with transaction.atomic():
        event = _lock_event(event)
        _check_can_register(event, None)
        if not throttle.hit("guest_registration:email", email):
            return None
        existing = (
            event.registrations.filter(email=email, status__in=Registration.ACTIVE_STATUSES)
            .order_by("pk")
            .first()
        )
        context = {
            "event": event,
            "event_url": absolute_url(event.get_absolute_url()),
            "hours": int(CONFIRMATION_MAX_AGE.total_seconds() // 3600),
        }
        if existing is not None and existing.status == Registration.Status.PENDING:
            if not existing.confirmation_expired():
                notify_after_commit(
                    to=[email], template="event_registration_pending_notice", context=context
                )
                return None
            existing.status = Registration.Status.CANCELLED
            existing.cancelled_at = timezone.now()
            existing.save(update_fields=["status", "cancelled_at"])
        elif existing is not None:
            notify_after_commit(
                to=[email], template="event_registration_duplicate", context=context
            )
            return None
        registration = Registration.objects.create(
            event=event,
            email=email,
            name=name,
            organisation=organisation,
            note=note,
            status=Registration.Status.PENDING,
        )
        confirm_url = absolute_url(
            reverse("outreach:registration_confirm", args=[confirmation_token(registration)]),
        )
        notify_after_commit(
            to=[email],
            template="event_registration_confirm",
            context={**context, "confirm_url": confirm_url},
        )
    return registration


def registration_from_token(token, *, salt, max_age=None):
    """The registration a signed link points to; DomainError when it is not valid."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise DomainError(
            _("確認用リンクの有効期限が切れています。お手数ですが、もう一度お申し込みください。")
        ) from error
    except signing.BadSignature as error:
        raise DomainError(
            _("リンクが正しくありません。メールのリンクをそのままお使いください。")
        ) from error
    registration = (
        Registration.objects.select_related("event").filter(pk=data.get("registration")).first()
    )
    if registration is None or ("email" in data and data["email"] != registration.email):
        raise DomainError(_("お申し込みが見つかりません。"))
    return registration


def registration_confirm(*, token):
    """A guest follows the emailed link: now the seat (or waiting-list place) is taken."""
    registration = registration_from_token(token, salt=CONFIRM_SALT, max_age=CONFIRMATION_MAX_AGE)
    with transaction.atomic():
        event = _lock_event(registration.event)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status in (
            Registration.Status.CONFIRMED,
            Registration.Status.WAITLISTED,
        ):
            return registration
        if registration.status != Registration.Status.PENDING:
            raise DomainError(_("このお申し込みは取り消されています。"))
        _check_can_register(event, None)
        registration.event = event
        _take_seat_or_queue(event, registration, timezone.now())
        registration.save(update_fields=["status", "confirmed_at", "waitlisted_at"])
        _notify_registered(registration)
    return registration


def registration_cancel(*, registration, by=None):
    """Cancel a place; when a seat comes free, the first on the waiting list moves up.

    ``by`` is the logged-in person cancelling, or the organiser's staff in the admin; None
    for a guest holding the emailed cancellation link.
    """
    with transaction.atomic():
        event = _lock_event(registration.event)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if (
            by is not None
            and registration.user_id != by.pk
            and not Event.objects.managed_by(by).filter(pk=event.pk).exists()
        ):
            raise DomainError(_("ご自身のお申し込みだけ取り消せます。"))
        if not registration.is_active:
            raise DomainError(_("このお申し込みはすでに取り消されています。"))
        if timezone.now() >= event.starts_at:
            raise DomainError(_("開始後は取り消せません。主催部署へ直接ご連絡ください。"))
        held_seat = registration.status == Registration.Status.CONFIRMED
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        promoted = _promote_from_waiting_list(event) if held_seat else []
    return promoted


def event_fill_from_waiting_list(*, event):
    """Move people up while seats are free (after a cancellation or a larger capacity)."""
    with transaction.atomic():
        event = _lock_event(event)
        if event.status != Event.Status.PUBLISHED or timezone.now() >= event.starts_at:
            return []
        return _promote_from_waiting_list(event)


def _promote_from_waiting_list(event):
    free = event.capacity - _confirmed_count(event)
    if free <= 0:
        return []
    waiting = list(
        event.registrations.select_for_update()
        .filter(status=Registration.Status.WAITLISTED)
        .order_by("waitlisted_at", "pk")[:free]
    )
    now = timezone.now()
    for registration in waiting:
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        registration.event = event
        notify_after_commit(
            to=[registration.email],
            template="event_registration_promoted",
            context={
                "registration": registration,
                "event": event,
                "event_url": absolute_url(event.get_absolute_url()),
                "cancel_url": absolute_url(
                    reverse(
                        "outreach:registration_cancel", args=[cancellation_token(registration)]
                    ),
                ),
            },
        )
    return waiting


def event_cancel(*, event, by):
    """Call an announced event off and tell everyone who holds or awaits a place."""
    with transaction.atomic():
        event = _lock_event(event)
        if event.status != Event.Status.PUBLISHED:
            raise DomainError(_("公開中の催しだけ中止にできます。"))
        if timezone.now() >= event.ends_at:
            raise DomainError(_("終了した催しは中止にできません。"))
        event.status = Event.Status.CANCELLED
        event.save(update_fields=["status", "updated_at"])
        recipients = list(
            event.registrations.filter(
                status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED]
            ).values_list("email", flat=True)
        )
        notify_after_commit(
            to=recipients,
            template="event_cancelled",
            context={"event": event, "event_url": absolute_url(event.get_absolute_url())},
        )
    return event
