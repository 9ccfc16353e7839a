"""Asking a service whether it would take a step, without keeping what it did."""

from django.db import transaction

from kyodo_portal.errors import DomainError


class _Undo(Exception):
    pass


def service_accepts(call):
    """True when ``call()`` runs without a refusal; whatever it wrote is rolled back."""
    try:
        with transaction.atomic():
            call()
            raise _Undo
    except _Undo:
        return True
    except DomainError:
        return False
