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


def accepted_steps(steps, obj, *, by, inputs=lambda step: {}):
    """The names of ``steps`` whose service takes the call on ``obj`` (the object the admin
    shows) by ``by`` with ``inputs(step)``; a step with nothing to act on is not taken."""
    return {
        step.name
        for step in steps.values()
        if step.target_of(obj) is not None
        and service_accepts(lambda step=step: step.take(obj, by=by, **inputs(step)))
    }
