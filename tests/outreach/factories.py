"""Factories for the outreach and advisors apps (kept here, beside their tests)."""

import datetime

import factory
from django.utils import timezone

from advisors.models import Advisor, AdvisorRequest, Topic
from cso_registry.models import CSO, Membership
from outreach.models import Event, NewsItem, Registration
from tests.factories import CSOFactory, DepartmentFactory, MembershipFactory, UserFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"協働推進セミナー 第{n}回")
    kind = Event.Kind.SEMINAR
    status = Event.Status.PUBLISHED
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    venue = "佐賀県庁 新館 大会議室"
    capacity = 30
    audience = "CSO の方、県・市町の職員"
    description = "協働の進め方を事例から学びます。"
    organiser = factory.SubFactory(DepartmentFactory)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"参加 太郎{n}")
    email = factory.Sequence(lambda n: f"participant{n}@example.jp")
    status = Registration.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


class NewsItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsItem

    title = factory.Sequence(lambda n: f"お知らせ{n}")
    body = "協働ポータルからのお知らせです。"
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class AdvisorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Advisor

    name = factory.Sequence(lambda n: f"助言 花子{n}")
    qualification = "社会保険労務士"
    main_topic = Topic.LABOUR
    email = factory.Sequence(lambda n: f"advisor{n}@example.jp")


def npo_admin(**cso_kwargs):
    """A user who is the active 管理者 of an NPO法人; returns (user, cso)."""
    cso = CSOFactory(kind=cso_kwargs.pop("kind", CSO.Kind.NPO_CORPORATION), **cso_kwargs)
    user = UserFactory()
    MembershipFactory(user=user, cso=cso, role=Membership.Role.ADMIN)
    return user, cso


class AdvisorRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdvisorRequest

    cso = factory.SubFactory(CSOFactory, kind=CSO.Kind.NPO_CORPORATION)
    requested_by = factory.SubFactory(UserFactory)
    topic = Topic.ACCOUNTING
    details = "NPO法人会計基準に沿った決算書の作り方を教えてください。"
    preferred_date_1 = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=20)
    )
