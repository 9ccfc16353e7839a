import factory
from django.utils import timezone

from cso_registry.models import CSO, Membership, Municipality
from kyodo_portal.models import Department, User

KANA_DIGITS = ["ゼロ", "イチ", "ニ", "サン", "ヨン", "ゴ", "ロク", "ナナ", "ハチ", "キュウ"]


def kana_number(number):
    """12 → イチニ: a sequence number that a katakana-only furigana field accepts."""
    return "".join(KANA_DIGITS[int(digit)] for digit in str(number))


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
    email_verified_at = factory.LazyFunction(timezone.now)  # an account in use: address confirmed
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
    furigana = factory.Sequence(lambda n: f"サガシミンカツドウダンタイ{kana_number(n)}")
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


# --- proposals (issue 4) ---


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Theme"
        skip_postgeneration_save = True

    department = factory.SubFactory(DepartmentFactory)
    kind = "call"
    title = factory.Sequence(lambda n: f"障害のある人の地域生活を支える協働テーマ{n}")
    background = "地域で暮らし続けるための支えが足りません。"
    wanted = "当事者と家族に寄り添う取り組みの提案を求めます。"
    offered_forms = factory.LazyFunction(lambda: ["cooperation", "consignment"])
    opens_on = factory.LazyFunction(lambda: _today() - _days(10))
    closes_on = factory.LazyFunction(lambda: _today() + _days(30))
    status = "published"


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _days(n):
    import datetime

    return datetime.timedelta(days=n)


class ProposalFactory(factory.django.DjangoModelFactory):
    """A draft by a member of its CSO; pass ``status`` only through the services in tests of
    behaviour (``proposal_submit(...)``); factories set it directly only to arrange a state."""

    class Meta:
        model = "proposals.Proposal"

    cso = factory.SubFactory(CSOFactory)
    theme = None
    department = factory.SubFactory(DepartmentFactory)
    title = factory.Sequence(lambda n: f"地域の見守り協働事業{n}")
    purpose = "ひとり暮らしの高齢者の孤立を防ぎます。"
    shared_goal = "見守りの担い手を地域に増やすことを県と共有します。"
    content = "週一回の訪問と、月一回の交流会を行います。"
    expected_effect = "孤立の早期発見と、住民同士のつながりの回復。"
    zone = "C"
    form = "cooperation"
    project_type = "local"
    cso_role = "訪問ボランティアの募集と研修。"
    prefecture_role = "市町との調整と広報。"
    created_by = factory.LazyAttribute(
        lambda o: MembershipFactory(cso=o.cso, role=Membership.Role.ADMIN).user
    )
