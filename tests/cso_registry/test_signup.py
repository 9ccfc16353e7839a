import pytest
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


@pytest.mark.django_db
def test_a_person_signs_up_with_email_and_password_and_is_logged_in(client):
    response = client.post(reverse("account:signup"), signup_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("account:home")
    user = User.objects.get()
    assert user.email == "tanaka@example.jp"
    assert user.check_password("kusunoki-no-mori-2026")
    assert not user.is_staff
    assert user.groups.filter(name=Role.CSO_MEMBER).exists()
    assert client.get(reverse("account:home")).status_code == 200


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
def test_an_email_already_registered_is_refused_whatever_its_case(client):
    User.objects.create_user(email="tanaka@example.jp", password="x")

    response = client.post(reverse("account:signup"), signup_data(email="TANAKA@example.jp"))

    assert "すでに登録されています" in response.context["form"].errors["email"][0]
    assert User.objects.count() == 1


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
