import datetime

import factory
import pytest
from django.contrib.auth.models import Group

from cso_registry.models import CSO, ActivityField, Membership, Municipality, SurveyAnswer
from kyodo_portal.roles import Role
from tests.factories import CSOFactory, MembershipFactory, UserFactory


class SurveyAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyAnswer

    cso = factory.SubFactory(CSOFactory)
    fiscal_year = 2026
    budget_band = SurveyAnswer.BudgetBand.UNDER_1M
    paid_staff = 1
    volunteers = 12


def municipality(name):
    return Municipality.objects.get(name=name)


def activity_field(number):
    return ActivityField.objects.get(number=number)


def valid_profile(**overrides):
    """POST data of a complete, valid profile form."""
    data = {
        "name": "NPO法人さが環境ネット",
        "furigana": "サガカンキョウネット",
        "kind": CSO.Kind.NPO_CORPORATION,
        "corporate_number": "7123456789012",
        "representative_name": "佐賀 太郎",
        "postal_code": "840-8570",
        "municipality": municipality("佐賀市").pk,
        "address": "城内1丁目1-59",
        "phone": "0952-25-7374",
        "email": "info@example.jp",
        "website": "https://example.jp/",
        "founded_on": "2010-04-01",
        "member_count": "30",
        "activity_fields": [activity_field(7).pk],
        "areas": [municipality("佐賀市").pk],
        "description": "佐賀平野のクリークの清掃と、子ども向けの自然観察会を続けています。",
        "contact_public": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def cso(db):
    return CSOFactory(verified_on=datetime.date.today())


@pytest.fixture
def other_cso(db):
    return CSOFactory(name="よその団体", furigana="ヨソノダンタイ")


@pytest.fixture
def cso_admin(cso):
    return MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user


@pytest.fixture
def cso_member(cso):
    return MembershipFactory(cso=cso, role=Membership.Role.MEMBER).user


@pytest.fixture
def outsider(db):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=Role.CSO_MEMBER))
    return user
