from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cso_registry.normalize import (
    validate_corporate_number,
    validate_furigana,
    validate_phone,
    validate_postal_code,
)
from kyodo_portal.access import is_signed_in
from kyodo_portal.models import HistoryRecord
from kyodo_portal.wareki import fiscal_year


class Municipality(models.Model):
    """A city or town of Saga (市町), identified by its 全国地方公共団体コード."""

    class Kind(models.TextChoices):
        CITY = "市", _("市")
        TOWN = "町", _("町")
        VILLAGE = "村", _("村")

    code = models.CharField(_("団体コード"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    kana = models.CharField(_("よみがな"), max_length=40)
    county = models.CharField(_("郡"), max_length=20, blank=True)
    kind = models.CharField(_("区分"), max_length=2, choices=Kind.choices)

    class Meta:
        verbose_name = _("市町")
        verbose_name_plural = _("市町")
        ordering = ["code"]

    def __str__(self):
        return self.name


class ActivityField(models.Model):
    """One of the 20 kinds of activity in the Annexed Table of the NPO Act (NPO法 別表)."""

    number = models.PositiveSmallIntegerField(_("号"), unique=True)
    name = models.CharField(_("名称"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("活動分野")
        verbose_name_plural = _("活動分野")
        ordering = ["number"]

    def __str__(self):
        return self.name

    @property
    def short_name(self):
        """The name without the closing を図る活動 / の活動, for compact lists."""
        for suffix in ("を図る活動", "の活動", "活動"):
            if self.name.endswith(suffix) and len(self.name) > len(suffix):
                return self.name.removesuffix(suffix)
        return self.name


def one_year_before(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def one_year_after(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, month=3, day=1)


class CSOQuerySet(models.QuerySet):
    def public(self):
        """CSOs anyone may see: only those the prefecture has verified and published."""
        return self.filter(status=CSO.Status.PUBLISHED)

    def of_member(self, user):
        """CSOs in which ``user`` is an active member (管理者 or メンバー); cso_registry/access.py."""
        if not is_signed_in(user):
            return self.none()
        return self.filter(pk__in=Membership.objects.cso_ids_of(user))

    def administered_by(self, user):
        """CSOs in which ``user`` is an active 管理者."""
        if not is_signed_in(user):
            return self.none()
        return self.filter(
            Exists(Membership.objects.admins().filter(cso=OuterRef("pk"), user=user))
        )

    def needing_update(self, today=None):
        """Published CSOs whose profile was last confirmed more than a year ago (要更新)."""
        cutoff = one_year_before(today or timezone.localdate())
        return self.public().filter(Q(verified_on__isnull=True) | Q(verified_on__lt=cutoff))

    def for_listing(self):
        """Everything a list, the disclosure badge and the exports read, in a fixed number of
        queries whatever the page size."""
        return self.select_related("municipality").prefetch_related(
            "activity_fields", "areas", "survey_answers"
        )


class CSO(models.Model):
    """A civil society organisation (市民社会組織): 志縁組織 or 地縁組織."""

    class Kind(models.TextChoices):
        NPO_CORPORATION = "npo_corporation", _("NPO法人")
        GENERAL_INCORPORATED = "general_incorporated", _("一般社団・財団法人")
        CIVIC_GROUP = "civic_group", _("市民活動団体")
        VOLUNTEER_GROUP = "volunteer_group", _("ボランティアグループ")
        OTHER_THEMATIC = "other_thematic", _("その他 (志縁組織)")
        NEIGHBOURHOOD_ASSOCIATION = "neighbourhood_association", _("自治会・町内会")
        PTA = "pta", _("PTA")
        WOMENS_ASSOCIATION = "womens_association", _("婦人会・女性会")
        SENIORS_CLUB = "seniors_club", _("老人クラブ")
        OTHER_TERRITORIAL = "other_territorial", _("その他 (地縁組織)")

    THEMATIC_KINDS = (
        Kind.NPO_CORPORATION,
        Kind.GENERAL_INCORPORATED,
        Kind.CIVIC_GROUP,
        Kind.VOLUNTEER_GROUP,
        Kind.OTHER_THEMATIC,
    )

    class Status(models.TextChoices):
        PENDING = "pending", _("申請中")
        PUBLISHED = "published", _("公開")
        HIDDEN = "hidden", _("非公開")

    name = models.CharField(_("団体名"), max_length=100)
    furigana = models.CharField(
        _("ふりがな (カタカナ)"),
        max_length=200,
        validators=[validate_furigana],
        help_text=_("名簿の五十音順に使います。ひらがなで入力してもカタカナになります。"),
    )
    kind = models.CharField(_("団体の種類"), max_length=30, choices=Kind.choices)
    corporate_number = models.CharField(
        _("法人番号"),
        max_length=13,
        blank=True,
        validators=[validate_corporate_number],
        help_text=_("13桁。法人格のない団体は空欄です。"),
    )
    representative_name = models.CharField(_("代表者名"), max_length=100, blank=True)
    postal_code = models.CharField(
        _("郵便番号"),
        max_length=8,
        blank=True,
        validators=[validate_postal_code],
        help_text=_("例: 840-8570"),
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("所在地の市町"),
        on_delete=models.PROTECT,
        related_name="csos",
    )
    address = models.CharField(_("所在地 (市町より後)"), max_length=200, blank=True)
    phone = models.CharField(
        _("電話番号"),
        max_length=20,
        blank=True,
        validators=[validate_phone],
        help_text=_("例: 0952-25-7374"),
    )
    email = models.EmailField(_("メールアドレス"), blank=True)
    website = models.URLField(_("ウェブサイト"), blank=True)
    founded_on = models.DateField(_("設立年月日"), null=True, blank=True)
    member_count = models.PositiveIntegerField(
        _("会員数"), null=True, blank=True, validators=[MaxValueValidator(1_000_000)]
    )
    activity_fields = models.ManyToManyField(
        ActivityField, verbose_name=_("活動分野"), related_name="csos", blank=True
    )
    areas = models.ManyToManyField(
        Municipality, verbose_name=_("活動地域"), related_name="active_csos", blank=True
    )
    description = models.TextField(_("団体の紹介"), blank=True)
    contact_public = models.BooleanField(
        _("連絡先を公開する"),
        default=False,
        help_text=_(
            "チェックすると、代表者名・郵便番号・所在地・電話番号・メールアドレスを"
            "公開ページとオープンデータに載せます。"
        ),
    )
    status = models.CharField(
        _("公開状態"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    verified_on = models.DateField(
        _("最終確認日"),
        null=True,
        blank=True,
        help_text=_("団体の情報が正しいと最後に確かめた日。1年を過ぎると「要更新」になります。"),
    )
    verification_reminded_on = models.DateField(
        _("確認のお願いを送った日"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    version = models.PositiveIntegerField(
        _("版"),
        default=1,
        editable=False,
        help_text=_(
            "団体情報を保存するたびに1つ増えます。二人が同時に編集したときの上書きを防ぎます。"
        ),
    )

    objects = CSOQuerySet.as_manager()

    class Meta:
        verbose_name = _("CSO")
        verbose_name_plural = _("CSO")
        ordering = ["furigana", "id"]
        indexes = [
            # The admin's list of every CSO, whatever its status, in this order: a range scan
            # of 50 rows, not a sort of 350,000 (the public directory has its own partial one).
            models.Index(fields=["furigana", "id"], name="cso_admin_order_idx"),
            # ... and filtered by status (申請中: 県民協働課's queue), counted from the index.
            models.Index(fields=["status", "furigana", "id"], name="cso_admin_status_order_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["corporate_number"],
                condition=~Q(corporate_number=""),
                name="cso_unique_corporate_number",
                violation_error_message=_("この法人番号の団体はすでに登録されています。"),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cso_registry:detail", args=[self.pk])

    @property
    def is_thematic(self):
        """志縁組織 (rather than 地縁組織)."""
        return self.kind in self.THEMATIC_KINDS

    @property
    def kind_group_label(self):
        return _("志縁組織") if self.is_thematic else _("地縁組織")

    @property
    def kind_full_label(self):
        """NPO法人（志縁組織）, その他（地縁組織）: the kind with its group, said once."""
        if self.kind in (self.Kind.OTHER_THEMATIC, self.Kind.OTHER_TERRITORIAL):
            return self.get_kind_display()
        return f"{self.get_kind_display()}（{self.kind_group_label}）"

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED

    @property
    def can_collaborate(self):
        """Verified and published by 県民協働課: only then does the CSO submit proposals or open
        事前相談, ask for an advisor, or become a party of an agreement (a CSO 申請中 or 非公開
        prepares drafts)."""
        return self.is_public

    def not_verified_message(self, action):
        return _(
            "「%(name)s」は県民協働課の確認（公開）が済んでいないため、%(action)sできません。"
        ) % {"name": self.name, "action": action}

    def verification_due_on(self):
        """The day after which the profile shows 要更新."""
        if self.verified_on is None:
            return None
        return one_year_after(self.verified_on)

    def needs_update(self, today=None):
        """要更新: never confirmed, or confirmed more than a year ago."""
        if self.verified_on is None:
            return True
        return self.verified_on < one_year_before(today or timezone.localdate())

    def is_update_due(self, today=None):
        """要更新 as the CSO's pages and the admin show it and the reminder asks: a published
        CSO that needs updating, one of ``CSO.objects.needing_update()`` (a CSO not yet
        published, or hidden, is not asked)."""
        return self.is_public and self.needs_update(today)

    @property
    def latest_survey(self):
        """The most recent 実態調査 answer (reads the prefetched answers when there are)."""
        answers = list(self.survey_answers.all())
        return max(answers, key=lambda answer: answer.fiscal_year, default=None)

    def disclosure(self, today=None):
        return Disclosure.of(self, today=today)

    def admins(self):
        """Users who are active 管理者 of this CSO."""
        from kyodo_portal.models import User

        return User.objects.filter(
            Exists(Membership.objects.admins().filter(cso=self, user=OuterRef("pk")))
        )

    def public_contact(self):
        """Contact details for public pages and open data: empty unless the CSO opted in."""
        if not self.contact_public:
            return {}
        return {
            "representative_name": self.representative_name,
            "postal_code": self.postal_code,
            "address": self.address,
            "phone": self.phone,
            "email": self.email,
        }


@dataclass(frozen=True)
class DisclosureItem:
    label: str
    met: bool


@dataclass(frozen=True)
class Disclosure:
    """情報開示レベル: how much a reader can learn about the CSO from its public profile and
    its latest survey answer. Level 3 (充実) to 1 (基本); the items say what is missing."""

    level: int
    items: tuple

    LABELS = {3: _("充実"), 2: _("標準"), 1: _("基本")}
    RECENT_SURVEY_YEARS = 2

    @property
    def label(self):
        return self.LABELS[self.level]

    @property
    def met_count(self):
        return sum(item.met for item in self.items)

    @property
    def missing(self):
        return [item.label for item in self.items if not item.met]

    @classmethod
    def of(cls, cso, today=None):
        today = today or timezone.localdate()
        survey = cso.latest_survey
        recent_survey = (
            survey is not None
            and survey.fiscal_year >= fiscal_year(today) - cls.RECENT_SURVEY_YEARS
        )
        items = (
            DisclosureItem(_("団体の紹介（40字以上）"), len(cso.description.strip()) >= 40),
            DisclosureItem(_("活動分野"), bool(cso.activity_fields.all())),
            DisclosureItem(_("活動地域"), bool(cso.areas.all())),
            DisclosureItem(_("設立年月日"), cso.founded_on is not None),
            DisclosureItem(_("会員数"), cso.member_count is not None),
            DisclosureItem(_("ウェブサイト"), bool(cso.website)),
            DisclosureItem(_("連絡先の公開"), cso.contact_public and bool(cso.phone or cso.email)),
            DisclosureItem(_("直近の実態調査への回答"), recent_survey),
        )
        met = sum(item.met for item in items)
        if met >= 7 and recent_survey:
            level = 3
        elif met >= 4:
            level = 2
        else:
            level = 1
        return cls(level=level, items=items)


def current_fiscal_year():
    return fiscal_year(timezone.localdate())


class SurveyAnswer(models.Model):
    """One CSO's answer to the prefecture's 実態調査 for one fiscal year."""

    class BudgetBand(models.TextChoices):
        NONE = "none", _("予算なし")
        UNDER_100K = "under_100k", _("10万円未満")
        UNDER_1M = "under_1m", _("10万円以上100万円未満")
        UNDER_5M = "under_5m", _("100万円以上500万円未満")
        UNDER_10M = "under_10m", _("500万円以上1,000万円未満")
        UNDER_50M = "under_50m", _("1,000万円以上5,000万円未満")
        OVER_50M = "over_50m", _("5,000万円以上")

    cso = models.ForeignKey(
        CSO, verbose_name=_("CSO"), on_delete=models.PROTECT, related_name="survey_answers"
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("回答年度"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("西暦で入力します（令和8年度なら 2026）。"),
    )
    budget_band = models.CharField(_("年間予算規模"), max_length=20, choices=BudgetBand.choices)
    paid_staff = models.PositiveIntegerField(
        _("有給職員数"), validators=[MaxValueValidator(100_000)]
    )
    volunteers = models.PositiveIntegerField(
        _("ボランティア数"),
        validators=[MaxValueValidator(1_000_000)],
        help_text=_("この1年間に活動したボランティアのおおよその人数です。"),
    )
    answered_on = models.DateField(_("回答日"), null=True, blank=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("実態調査の回答")
        verbose_name_plural = _("実態調査の回答")
        ordering = ["cso", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["cso", "fiscal_year"],
                name="survey_answer_one_per_cso_and_year",
                violation_error_message=_("この年度の回答はすでにあります。"),
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=2000, fiscal_year__lte=2100),
                name="survey_answer_fiscal_year_range",
            ),
        ]

    def __str__(self):
        return f"{self.cso} {self.fiscal_year}"


class CSOHistoryEntry(HistoryRecord):
    """One recorded change to a CSO: who, when, what, and each field's old and new value.

    Visible to the CSO's 管理者 and to staff; never public (old contact details are personal data).
    """

    class Action(models.TextChoices):
        REGISTERED = "registered", _("登録申請")
        UPDATED = "updated", _("団体情報の更新")
        SURVEY = "survey", _("実態調査の回答")
        IMPORTED = "imported", _("実態調査の取り込み")
        PUBLISHED = "published", _("公開")
        HIDDEN = "hidden", _("非公開")
        CONFIRMED = "confirmed", _("内容の確認")
        REMINDED = "reminded", _("確認のお願い")
        MEMBERSHIP = "membership", _("メンバーの変更")

    cso = models.ForeignKey(
        CSO, verbose_name=_("CSO"), on_delete=models.PROTECT, related_name="history"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作した人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("空欄はシステム（コマンドなど）による操作です。"),
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    changes = models.JSONField(
        _("変更内容"),
        default=list,
        blank=True,
        help_text=_("項目ごとの変更前と変更後: [{field, label, old, new}]"),
    )
    assisted = models.BooleanField(
        _("代理入力"), default=False, help_text=_("県職員が団体に代わって入力しました。")
    )
    comment = models.TextField(_("理由・メモ"), blank=True)
    at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("CSO の変更履歴")
        verbose_name_plural = _("CSO の変更履歴")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["cso", "-at"], name="cso_history_cso_created")]

    def __str__(self):
        return f"{self.cso} {self.get_action_display()}"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        """Approved memberships of active accounts: what makes someone a member today."""
        return self.filter(status=Membership.Status.ACTIVE, user__is_active=True)

    def requested(self):
        return self.filter(status=Membership.Status.REQUESTED)

    def admins(self):
        return self.active().filter(role=Membership.Role.ADMIN)

    def cso_ids_of(self, user):
        """The ids of the CSOs ``user`` is an active member of, as a subquery: inside the /my/
        lists' queries the database starts from the person's memberships (a few rows), where an
        EXISTS per CSO made it read every evaluation or agreement to test each."""
        if not is_signed_in(user):
            return self.none().values("cso")
        return self.active().filter(user=user).values("cso")


class Membership(models.Model):
    """A person's place in a CSO: 管理者 or メンバー, once approved."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("管理者")
        MEMBER = "member", _("メンバー")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("承認待ち")
        ACTIVE = "active", _("承認済み")
        DECLINED = "declined", _("見送り")
        LEFT = "left", _("退会")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("利用者"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    cso = models.ForeignKey(
        CSO, verbose_name=_("CSO"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("役割"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    created_at = models.DateTimeField(_("申込日時"), auto_now_add=True)
    decided_at = models.DateTimeField(_("承認・見送りの日時"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("メンバー")
        verbose_name_plural = _("メンバー")
        constraints = [
            models.UniqueConstraint(fields=["user", "cso"], name="membership_unique_user_cso"),
        ]

    def __str__(self):
        return f"{self.cso} / {self.user} ({self.get_role_display()})"

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    @property
    def is_admin(self):
        return self.is_active and self.role == self.Role.ADMIN
