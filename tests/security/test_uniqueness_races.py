"""Two people sending the same unique value at once: the second gets the form's field error,
never a 500, and nothing of theirs is written.

The forms check that an email address or a 法人番号 is free, but another request can take it
between that check and the insert. Deterministically (both databases), the duplicate is created
in that gap; on PostgreSQL, two threads also insert at the same moment for real.
"""

import threading

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services as account_services
from cso_registry import services
from cso_registry.forms import CSOProfileForm
from cso_registry.models import CSO, Membership
from kyodo_portal.models import User
from kyodo_portal.roles import Role
from tests.concurrency import require_postgres, run_together
from tests.cso_registry.conftest import valid_profile
from tests.factories import CSOFactory, UserFactory

NUMBER = "7123456789012"  # the one in valid_profile()
SIGNUP = {
    "email": "hanako@example.jp",
    "full_name": "田中 花子",
    "password1": "kusunoki-no-mori-2026",
    "password2": "kusunoki-no-mori-2026",
    "agree": "on",
}


@pytest.fixture
def member(db):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=Role.CSO_MEMBER))
    return user


def someone_else_first(monkeypatch, name, make_duplicate):
    """The service ``name`` runs just after someone else's request took the same value."""
    real = getattr(services, name)

    def late(**kwargs):
        make_duplicate()
        return real(**kwargs)

    monkeypatch.setattr(services, name, late)


@pytest.mark.django_db
def test_a_sign_up_with_an_address_taken_meanwhile_answers_the_same_page_and_tells_its_owner(
    client, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    """Sign-up says nothing about whether an address has an account: taken a moment before,
    the person sees the same "check your mail" page and the address's owner gets a notice."""

    def checked_then_taken(email):
        """The address was free when checked; another request committed it just after."""
        UserFactory(email="hanako@example.jp")
        return False

    monkeypatch.setattr(account_services, "_has_account", checked_then_taken)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account:signup"), SIGNUP)

    assert response.status_code == 200
    assert "メールを確認してください" in response.text
    assert User.objects.filter(email="hanako@example.jp").count() == 1
    assert "_auth_user_id" not in client.session
    assert [m.to for m in mailoutbox] == [["hanako@example.jp"]]
    assert "すでにあります" in mailoutbox[0].subject


@pytest.mark.django_db
def test_a_corporate_number_taken_after_the_form_checked_it_is_the_field_error(
    client, member, monkeypatch
):
    someone_else_first(monkeypatch, "cso_register", lambda: CSOFactory(corporate_number=NUMBER))
    client.force_login(member)

    response = client.post(reverse("account:cso_register"), valid_profile())

    assert response.status_code == 200
    assert response.context["form"].errors["corporate_number"] == [
        services.DUPLICATE_CORPORATE_NUMBER_MESSAGE
    ]
    assert CSO.objects.filter(corporate_number=NUMBER).count() == 1
    assert not Membership.objects.filter(user=member).exists()


@pytest.mark.django_db
def test_a_corporate_number_inserted_at_the_same_moment_is_the_field_error(member, monkeypatch):
    """The other request commits after this one's checks and before its insert: the database's
    unique constraint refuses the row."""
    data = profile_data()
    real_clean = services._full_clean_changed

    def checked_then_taken(instance, updates):
        real_clean(instance, updates)
        CSOFactory(corporate_number=NUMBER)

    monkeypatch.setattr(services, "_full_clean_changed", checked_then_taken)

    with pytest.raises(ValidationError) as refused:
        services.cso_register(by=member, data=data)

    assert refused.value.message_dict == {
        "corporate_number": [services.DUPLICATE_CORPORATE_NUMBER_MESSAGE]
    }
    assert not CSO.objects.filter(name=data["name"]).exists()
    assert not Membership.objects.filter(user=member).exists()


@pytest.mark.django_db
def test_a_corporate_number_given_to_another_cso_at_the_same_moment_is_the_field_error(
    member, monkeypatch
):
    """An edit that sets the 法人番号 another request is registering at the same moment."""
    cso = CSOFactory(corporate_number="")
    Membership.objects.create(
        user=member, cso=cso, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
    )
    real_clean = services._full_clean_changed

    def checked_then_taken(instance, updates):
        real_clean(instance, updates)
        CSOFactory(corporate_number=NUMBER)

    monkeypatch.setattr(services, "_full_clean_changed", checked_then_taken)

    with pytest.raises(ValidationError) as refused:
        services.cso_update(cso=cso, by=member, data={"corporate_number": NUMBER})

    assert refused.value.message_dict == {
        "corporate_number": [services.DUPLICATE_CORPORATE_NUMBER_MESSAGE]
    }
    cso.refresh_from_db()
    assert cso.corporate_number == ""


@pytest.mark.django_db
def test_a_staff_registration_in_the_admin_with_a_number_just_taken_is_refused(
    client, coordinator, monkeypatch
):
    someone_else_first(monkeypatch, "cso_register", lambda: CSOFactory(corporate_number=NUMBER))
    client.force_login(coordinator)
    data = valid_profile()
    for prefix in ("survey_answers", "memberships", "history"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})

    response = client.post(reverse("admin:cso_registry_cso_add"), data)

    assert response.status_code == 403
    assert not CSO.objects.filter(name=data["name"]).exists()


# Two requests at the same moment, for real (PostgreSQL: the second insert waits on the first).


def profile_data():
    form = CSOProfileForm(valid_profile())
    assert form.is_valid(), form.errors
    return form.cleaned_data


def _outcome(error):
    # A ValidationError is the form's answer; anything else (an IntegrityError) is the 500
    # this file is about.
    return error.message_dict if isinstance(error, ValidationError) else type(error).__name__


@pytest.fixture
def postgres_only():
    require_postgres("two connections inserting at once need PostgreSQL")


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_with_one_address_at_once_make_one_account_and_no_error(postgres_only):
    def sign_up():
        account_services.signup(
            email="hanako@example.jp", password="kusunoki-no-mori-2026", full_name="田中 花子"
        )

    outcomes = run_together(
        ("first", sign_up), ("second", sign_up), refusal=Exception, describe=_outcome
    )

    assert outcomes == {"first": "ok", "second": "ok"}
    assert User.objects.filter(email="hanako@example.jp").count() == 1


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_registrations_of_one_corporate_number_at_once_one_cso_and_one_field_error(
    postgres_only, monkeypatch
):
    first, second = UserFactory(), UserFactory()
    data = profile_data()
    both_checked = threading.Barrier(2)
    real_clean = services._full_clean_changed

    def clean_then_wait(instance, updates):
        real_clean(instance, updates)
        both_checked.wait(timeout=5)  # both found the number free; now both insert

    monkeypatch.setattr(services, "_full_clean_changed", clean_then_wait)

    outcomes = run_together(
        ("first", lambda: services.cso_register(by=first, data=data, notify=False)),
        ("second", lambda: services.cso_register(by=second, data=data, notify=False)),
        refusal=Exception,
        describe=_outcome,
    )

    assert sorted(outcomes.values(), key=str) == sorted(
        ["ok", {"corporate_number": [services.DUPLICATE_CORPORATE_NUMBER_MESSAGE]}], key=str
    )
    assert CSO.objects.filter(corporate_number=NUMBER).count() == 1
    assert Membership.objects.count() == 1
