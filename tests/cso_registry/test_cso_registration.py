import re

import pytest
from django.core import mail
from django.urls import reverse

from cso_registry.models import CSO, CSOHistoryEntry, Membership
from tests.cso_registry.conftest import valid_profile


@pytest.fixture
def member_client(client, outsider):
    client.force_login(outsider)
    return client


@pytest.mark.django_db(transaction=True)
def test_registering_a_cso_makes_it_pending_and_the_registrant_its_admin(
    member_client, outsider, coordinator
):
    response = member_client.post(reverse("account:cso_register"), valid_profile())

    cso = CSO.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("account:cso", args=[cso.pk])
    assert cso.status == CSO.Status.PENDING
    membership = Membership.objects.get(cso=cso)
    assert (membership.user, membership.role, membership.status) == (
        outsider,
        Membership.Role.ADMIN,
        Membership.Status.ACTIVE,
    )
    entry = cso.history.get()
    assert entry.action == CSOHistoryEntry.Action.REGISTERED
    assert entry.by == outsider and not entry.assisted
    assert {message.to[0] for message in mail.outbox} == {coordinator.email, outsider.email}


@pytest.mark.django_db
def test_input_is_normalised_before_it_is_saved(member_client):
    member_client.post(
        reverse("account:cso_register"),
        valid_profile(
            name="ＮＰＯ法人さが環境ネット",
            furigana="さがかんきょうねっと",
            corporate_number="７１２３４５６７８９０１２",
            postal_code="〒８４０ー８５７０",
            phone="０９５２（２５）７３７４",
            address="城内１丁目１－５９",
        ),
    )

    cso = CSO.objects.get()
    assert cso.name == "NPO法人さが環境ネット"
    assert cso.furigana == "サガカンキョウネット"
    assert cso.corporate_number == "7123456789012"
    assert cso.postal_code == "840-8570"
    assert cso.phone == "0952-25-7374"
    assert cso.address == "城内1丁目1-59"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("corporate_number", "6123456789012", "チェックデジット"),
        ("corporate_number", "123456789012", "個人番号"),
        ("furigana", "佐賀環境ネット", "カタカナ"),
        ("name", "あ" * 101, "100"),
        ("postal_code", "84-8570", "郵便番号は7桁"),
        ("phone", "0952-25-737", "桁"),
    ],
)
def test_a_wrong_field_gets_a_japanese_message_beside_it_and_nothing_is_saved(
    member_client, field, value, message
):
    response = member_client.post(reverse("account:cso_register"), valid_profile(**{field: value}))

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]
    html = response.content.decode()
    # The field points at its error (screen readers read it with the field), and the error
    # element with that id holds the message.
    described_by = re.search(rf'<[^>]* id="id_{field}"[^>]*>', html)[0]
    assert f"id_{field}_error" in re.search(r'aria-describedby="([^"]*)"', described_by)[1].split()
    error = re.search(rf'<div id="id_{field}_error"[^>]*>(.*?)</div>', html, flags=re.S)[1]
    assert message in error
    assert "入力内容を確認してください" in html
    assert not CSO.objects.exists()
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_a_name_of_exactly_one_hundred_characters_is_accepted(member_client):
    member_client.post(reverse("account:cso_register"), valid_profile(name="あ" * 100))

    assert CSO.objects.get().name == "あ" * 100


@pytest.mark.django_db
def test_full_width_letters_count_after_normalisation(member_client):
    # 100 full-width letters are 100 characters either way; NFKC must not make it longer.
    member_client.post(reverse("account:cso_register"), valid_profile(name="Ａ" * 100))

    assert CSO.objects.get().name == "A" * 100


@pytest.mark.django_db
def test_a_corporate_number_already_registered_is_refused(member_client, cso):
    cso.corporate_number = "7123456789012"
    cso.save()

    response = member_client.post(reverse("account:cso_register"), valid_profile())

    assert "すでに登録されています" in response.context["form"].errors["corporate_number"][0]
    assert CSO.objects.count() == 1


@pytest.mark.django_db
def test_unincorporated_groups_leave_the_corporate_number_blank(member_client):
    member_client.post(
        reverse("account:cso_register"),
        valid_profile(corporate_number="", kind=CSO.Kind.NEIGHBOURHOOD_ASSOCIATION),
    )
    member_client.post(
        reverse("account:cso_register"),
        valid_profile(corporate_number="", name="二つ目の自治会", furigana="フタツメノジチカイ"),
    )

    assert CSO.objects.filter(corporate_number="").count() == 2


@pytest.mark.django_db
def test_registering_needs_a_login(client):
    response = client.get(reverse("account:cso_register"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
