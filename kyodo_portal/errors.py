"""The one family of refusals the rules raise, each carrying a Japanese message for the person.

Services raise these; views and the admin turn them into what the person sees in one way:
``refuse(request, error)`` puts the message on the next page, and ``DomainErrorMiddleware``
does the same (then sends the person back) for any refusal a view did not catch, so that a
refused step answers with its reason rather than a server error. A form that can show the
message beside its fields catches the error itself (``form.add_error(None, error.message)``).

- ``DomainError``: a rule refused the operation (the base; raised as such for plain refusals);
- ``TransitionNotAllowed``: not possible from the record's current state;
- ``ActorNotAllowed``: this person may not do this;
- ``EditConflict``: someone else saved the record after this form was opened.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


class DomainError(Exception):
    """A refused operation; ``message`` is for the person who tried it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


class TransitionNotAllowed(DomainError):
    """Not possible from the record's current state."""


class ActorNotAllowed(DomainError):
    """This person may not do this."""


class EditConflict(DomainError):
    """Someone else saved the record after this form was opened (its version is older)."""


def refuse(request, error, to=None):
    """Show a refusal's message on the next page the person sees; with ``to`` (a URL), answer
    with a redirect there."""
    messages.error(request, error.message)
    return redirect(to) if to is not None else None


def back(request, fallback="/"):
    """Where to send someone after a refusal: the page they came from on this site, else
    ``fallback``."""
    referer = request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return fallback


class DomainErrorMiddleware:
    """A refusal no view caught: its message, and back to the page the person came from (the
    request's transaction, if any, has been rolled back: nothing changed)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        refuse(request, exception)
        if request.path.startswith("/admin/"):
            fallback = "/admin/"
        else:
            fallback = "/my/" if request.user.is_authenticated else "/"
        return redirect(back(request, fallback=fallback))
