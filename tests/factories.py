import factory

from cso_registry.models import CSO, Membership, Municipality
from kyodo_portal.models import Department, User


class BureauFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["name", "parent"]

    name = "健康福祉部"
    kind = Department.Kind.BUREAU
    parent = None


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"第{n}課")
    kind = Department.Kind.DIVISION
    parent = factory.SubFactory(BureauFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    full_name = factory.Sequence(lambda n: f"佐賀 太郎{n}")
    password = factory.PostGenerationMethodCall("set_password", "test-password-123")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save(update_fields=["password"])


class CSOFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CSO
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"さが市民活動団体{n}")
    furigana = factory.Sequence(lambda n: f"サガシミンカツドウダンタイ{n}")
    kind = CSO.Kind.CIVIC_GROUP
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="412015"))
    status = CSO.Status.PUBLISHED
    description = "地域の課題に取り組む団体です。"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    cso = factory.SubFactory(CSOFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.ACTIVE
