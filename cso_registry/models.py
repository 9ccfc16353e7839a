from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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


class CSOQuerySet(models.QuerySet):
    def public(self):
        """CSOs anyone may see: only those the prefecture has verified and published."""
        return self.filter(status=CSO.Status.PUBLISHED)

    def of_member(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            memberships__user=user, memberships__status=Membership.Status.ACTIVE
        ).distinct()


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
    furigana = models.CharField(_("ふりがな (カタカナ)"), max_length=200)
    kind = models.CharField(_("団体の種類"), max_length=30, choices=Kind.choices)
    corporate_number = models.CharField(
        _("法人番号"), max_length=13, blank=True, help_text=_("13桁。法人格のない団体は空欄です。")
    )
    representative_name = models.CharField(_("代表者名"), max_length=100, blank=True)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("所在地の市町"),
        on_delete=models.PROTECT,
        related_name="csos",
    )
    address = models.CharField(_("所在地 (市町より後)"), max_length=200, blank=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    website = models.URLField(_("ウェブサイト"), blank=True)
    founded_on = models.DateField(_("設立年月日"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("会員数"), null=True, blank=True)
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
        help_text=_("チェックすると、電話番号・メールアドレス・所在地を公開ページに表示します。"),
    )
    status = models.CharField(
        _("公開状態"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    verified_on = models.DateField(_("最終確認日"), null=True, blank=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = CSOQuerySet.as_manager()

    class Meta:
        verbose_name = _("CSO")
        verbose_name_plural = _("CSO")
        ordering = ["furigana", "id"]
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

    class Meta:
        verbose_name = _("メンバー")
        verbose_name_plural = _("メンバー")
        constraints = [
            models.UniqueConstraint(fields=["user", "cso"], name="membership_unique_user_cso"),
        ]

    def __str__(self):
        return f"{self.cso} / {self.user} ({self.get_role_display()})"
