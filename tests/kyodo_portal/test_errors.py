"""One family of refusals (kyodo_portal/errors.py): every app raises it, and a refusal that
no view caught answers with its message and a way back, never a server error."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from accounts.tokens import InvalidToken
from kyodo_portal.errors import (
    ActorNotAllowed,
    DomainError,
    DomainErrorMiddleware,
    EditConflict,
    TransitionNotAllowed,
)
from proposals.agreements.services import IncompleteAgreement


def _request(path="/my/proposals/1/submit/", referer=None, user=None):
    from django.contrib.auth.models import AnonymousUser

    headers = {"HTTP_REFERER": referer} if referer else {}
    request = RequestFactory().post(path, **headers)
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    request.user = user or AnonymousUser()
    return request


def _middleware():
    return DomainErrorMiddleware(lambda request: None)


@pytest.mark.parametrize(
    "error",
    [
        TransitionNotAllowed("いまの状態ではできません。"),
        ActorNotAllowed("この操作はできません。"),
        EditConflict("ほかの人が先に保存しました。"),
        IncompleteAgreement(["役割分担"]),
        InvalidToken("リンクが正しくありません。"),
    ],
)
def test_every_refusal_is_a_domain_error_with_its_message(error):
    assert isinstance(error, DomainError)
    assert str(error) == str(error.message)


def test_an_uncaught_refusal_shows_its_message_and_goes_back_to_the_page_on_this_site():
    request = _request(referer="http://testserver/my/proposals/1/")

    response = _middleware().process_exception(
        request, TransitionNotAllowed("提出済みの提案は提出できません。")
    )

    assert response.status_code == 302
    assert response["Location"] == "http://testserver/my/proposals/1/"
    assert [str(m) for m in get_messages(request)] == ["提出済みの提案は提出できません。"]


@pytest.mark.django_db
def test_a_refusal_never_sends_the_person_to_another_site(django_user_model):
    member = django_user_model.objects.create_user(email="m@example.jp", password="x")
    request = _request(referer="https://evil.example.com/phish/", user=member)

    response = _middleware().process_exception(request, ActorNotAllowed("できません。"))

    assert response["Location"] == "/my/"


def test_a_refusal_in_the_admin_goes_back_to_the_admin():
    request = _request(path="/admin/proposals/proposal/1/transition/")

    response = _middleware().process_exception(request, DomainError("できません。"))

    assert response["Location"] == "/admin/"


def test_other_exceptions_are_left_to_django():
    request = _request()

    assert _middleware().process_exception(request, ValueError("bug")) is None
    assert list(get_messages(request)) == []
