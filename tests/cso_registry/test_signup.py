import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from kyodo_portal.roles import Role

User = get_user_model()


def signup_data(**overrides):
    data = {
        "email": "Tanaka@Example.jp",
        "full_name": "田中 花子",
        "password1": "kusunoki-no-mori-2026",
        "password2": "kusunoki-no-mori-2026",
        "agree": "on",
    }
    data.update(overrides)
    return data


def link_in(message):
    return re.search(r"https?://\S+", message.body)[0]


@pytest.mark.django_db
def test_a_person_signs_up_confirms_the_address_by_the_mailed_link_and_is_signed_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account:signup"), signup_data())

    assert response.status_code == 200
    assert "メールを確認してください" in response.text
    assert "_auth_user_id" not in client.session  # nothing until the address is confirmed
    user = User.objects.get()
    assert (user.email, user.email_verified_at) == ("tanaka@example.jp", None)
    assert user.check_password("kusunoki-no-mori-2026")
    assert not user.is_staff
    assert user.groups.filter(name=Role.CSO_MEMBER).exists()
    assert [m.to for m in mailoutbox] == [["tanaka@example.jp"]]

    link = link_in(mailoutbox[0])
    assert link.startswith(settings.SITE_URL)
    path = link.removeprefix(settings.SITE_URL)
    assert client.get(path).status_code == 200  # a button: mail scanners only GET
    confirmed = client.post(path)

    assert confirmed["Location"] == reverse("account:home")
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert client.get(reverse("account:home")).status_code == 200
    assert client.post(path).status_code == 400  # the link worked once


@pytest.mark.django_db
def test_an_account_whose_address_is_not_confirmed_cannot_sign_in(client):
    User.objects.create_user(
        email="tanaka@example.jp", password="x-2026-pass", email_verified_at=None
    )

    response = client.post(
        reverse("login"), {"username": "tanaka@example.jp", "password": "x-2026-pass"}
    )

    assert response.status_code == 200
    assert "メールアドレスの確認が済んでいません" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["short1", "password123", "12345678901"])
def test_weak_passwords_are_refused_by_djangos_validators(client, password):
    response = client.post(
        reverse("account:signup"), signup_data(password1=password, password2=password)
    )

    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_address_already_registered_gets_the_same_page_and_its_owner_a_notice(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    User.objects.create_user(email="tanaka@example.jp", password="x")
    fresh = client.post(reverse("account:signup"), signup_data(email="sato@example.jp"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account:signup"), signup_data(email="TANAKA@example.jp"))

    def page(response, address):
        return re.sub(r'nonce="[^"]+"', "", response.text).replace(address, "ADDRESS")

    assert response.status_code == fresh.status_code == 200
    assert page(response, "tanaka@example.jp") == page(fresh, "sato@example.jp")
    assert User.objects.filter(email__iexact="tanaka@example.jp").count() == 1
    assert [m.to for m in mailoutbox] == [["tanaka@example.jp"]]
    assert "すでにあります" in mailoutbox[0].subject
    assert "http" in mailoutbox[0].body and "/account/confirm/" not in mailoutbox[0].body


@pytest.mark.django_db
def test_signup_needs_consent_to_the_handling_of_personal_data(client):
    data = signup_data()
    del data["agree"]

    response = client.post(reverse("account:signup"), data)

    assert "agree" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signup_and_login_pages_link_to_each_other(client):
    assert reverse("account:signup") in client.get(reverse("login")).content.decode()
    assert reverse("login") in client.get(reverse("account:signup")).content.decode()
