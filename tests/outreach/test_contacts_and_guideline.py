import pytest
from django.urls import reverse

from cso_registry.models import Municipality
from outreach.models import MunicipalContact, PromoterContact
from tests.factories import DepartmentFactory, UserFactory


@pytest.mark.django_db
def test_contacts_page_lists_promoters_by_department_with_public_fields_only(client):
    department = DepartmentFactory(name="障害福祉課")
    promoter = UserFactory(
        email="private.person@pref.example.jp", is_staff=True, department=department
    )
    PromoterContact.objects.create(
        department=department, phone="0952-25-7000", email="shougai@example.jp"
    )
    PromoterContact.objects.create(department=DepartmentFactory(name="隠す課"), is_listed=False)

    html = client.get(reverse("outreach:contacts")).content.decode()

    assert "障害福祉課" in html and "0952-25-7000" in html and "shougai@example.jp" in html
    assert "健康福祉部" in html
    assert promoter.email not in html and promoter.full_name not in html
    assert "隠す課" not in html


@pytest.mark.django_db
def test_contacts_page_lists_every_municipality_and_its_desk(client, django_assert_max_num_queries):
    saga = Municipality.objects.get(name="佐賀市")
    MunicipalContact.objects.create(
        municipality=saga,
        section="市民協働推進課",
        phone="0952-00-0101",
        email="kyodo@city.example.jp",
        website="https://www.example.jp/saga/kyodo/",
    )

    with django_assert_max_num_queries(4):
        response = client.get(reverse("outreach:contacts"))

    html = response.content.decode()
    assert "市民協働推進課" in html and "https://www.example.jp/saga/kyodo/" in html
    for municipality in Municipality.objects.all():
        assert municipality.name in html
    assert html.count("準備中です。") == Municipality.objects.count() - 1


@pytest.mark.django_db
def test_contact_phone_numbers_are_normalised_and_checked():
    from django.core.exceptions import ValidationError

    contact = MunicipalContact(
        municipality=Municipality.objects.get(name="唐津市"),
        section="地域づくり課",
        phone="０９５５ー７２ー９１１１",
    )
    contact.full_clean()
    assert contact.phone == "0955-72-9111"

    contact.phone = "0955-72-911"
    with pytest.raises(ValidationError) as error:
        contact.full_clean()
    assert "phone" in error.value.message_dict


@pytest.mark.django_db
def test_guideline_page_explains_zones_forms_kinds_and_process(client):
    response = client.get(reverse("outreach:guideline"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>県民協働指針のあらまし | 協働ポータル</title>" in html
    for word in ("対等な関係", "相互理解", "目的の共有と明確化", "情報公開と守秘義務"):
        assert word in html
    for form in ("協働型委託", "共催", "補助", "後援", "事業協力"):
        assert form in html
    for zone in ("A ", "B ", "C ", "D ", "E "):
        assert f'<th scope="col">{zone}' in html
    assert html.count('<tr><th scope="row">') == 7  # the seven kinds of work
    assert "必ずしも予算化を前提とするものではありません" in html
