"""Themes (募集テーマ), proposals (提案), consultation (協議) and review (審査).

The vocabulary of the guideline lives in the TextChoices below; the agreement (協定書) of the
next step starts from a proposal at 合意: ``Proposal.objects.agreed()``.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo_portal.access import scope_to_department
from kyodo_portal.models import Department, HistoryRecord, UploadedFile
from kyodo_portal.uploads import GeneratedName, private_storage, validate_upload
from kyodo_portal.wareki import fiscal_year


class CollaborationZone(models.TextChoices):
    """協働の領域 — only B, C and D are collaboration (A: CSO独自, E: 行政独自 are not)."""

    CSO_LED = "B", _("B CSO主体・行政協力")
    EQUAL = "C", _("C 対等に協力")
    PREFECTURE_LED = "D", _("D 行政主導・CSO参加")


class CollaborationForm(models.TextChoices):
    """協働の形態."""

    CONSIGNMENT = "consignment", _("協働型委託")
    CO_HOSTING = "co_hosting", _("共催")
    SUBSIDY = "subsidy", _("補助")
    SPONSORSHIP = "sponsorship", _("後援")
    COOPERATION = "cooperation", _("事業協力")


ZONE_FORMS = {
    CollaborationZone.CSO_LED: (
        CollaborationForm.SUBSIDY,
        CollaborationForm.SPONSORSHIP,
        CollaborationForm.COOPERATION,
    ),
    CollaborationZone.EQUAL: (CollaborationForm.CO_HOSTING, CollaborationForm.COOPERATION),
    CollaborationZone.PREFECTURE_LED: (
        CollaborationForm.CONSIGNMENT,
        CollaborationForm.COOPERATION,
    ),
}


def allowed_forms(zone):
    return ZONE_FORMS.get(zone, ())


def zones_allowing(form):
    return tuple(zone for zone, forms in ZONE_FORMS.items() if form in forms)


def zone_form_condition(zone_field="zone", form_field="form"):
    """The Q of every allowed (zone, form) pair, for a CheckConstraint (also used by agreements)."""
    condition = Q()
    for zone, forms in ZONE_FORMS.items():
        condition |= Q(**{zone_field: zone, f"{form_field}__in": list(forms)})
    return condition


def check_zone_form(zone, form):
    """Raise a ValidationError on the form field when the zone does not allow the form."""
    if zone and form and form not in allowed_forms(zone):
        labels = "・".join(str(f.label) for f in allowed_forms(zone))
        raise ValidationError(
            {
                "form": _("領域「%(zone)s」で選べる形態は %(forms)s です。")
                % {"zone": CollaborationZone(zone).label, "forms": labels}
            },
            code="form_not_allowed_in_zone",
        )


class ProjectType(models.TextChoices):
    """協働になじむ事業 — the guideline's seven kinds, with its examples as help."""

    PARTICIPATION = "participation", _("多くの人々の参加を求める事業")
    FLEXIBLE = "flexible", _("きめ細かく柔軟に対応する必要がある事業")
    LOCAL = "local", _("地域の実情を踏まえて実施する必要がある事業")
    OWNERSHIP = "ownership", _("県民が当事者性を発揮し、主体的に活動する事業")
    EXPERTISE = "expertise", _("特定分野において専門性が求められる事業")
    PIONEERING = "pioneering", _("これまで行政が取り組んだことのない先駆的な事業")
    PUBLIC_FACILITY = "public_facility", _("公的施設の企画・運営に関する事業")


PROJECT_TYPE_EXAMPLES = {
    ProjectType.PARTICIPATION: _("例：啓発・イベント、公的施設の企画運営など"),
    ProjectType.FLEXIBLE: _("例：子育て支援、高齢者介護支援など"),
    ProjectType.LOCAL: _("例：地域防犯、環境保全、道路や河川の管理など"),
    ProjectType.OWNERSHIP: _("例：まちづくり、商店街の活性化など"),
    ProjectType.EXPERTISE: _("例：DV支援、難病支援、自閉症支援など"),
    ProjectType.PIONEERING: _("例：託児・宅老所、種別を超えた障害者支援センターなど"),
    ProjectType.PUBLIC_FACILITY: _("例：文化施設など"),
}


def current_fiscal_year():
    return fiscal_year(timezone.localdate())


# --- Themes -----------------------------------------------------------------------------


class ThemeQuerySet(models.QuerySet):
    def public(self):
        """Themes anyone may open: published ones and archived ones (kept for the record)."""
        return self.filter(status__in=Theme.PUBLIC_STATUSES)

    def listed(self):
        return self.filter(status=Theme.Status.PUBLISHED)

    def open_on(self, day=None):
        day = day or timezone.localdate()
        return self.filter(status=Theme.Status.PUBLISHED, opens_on__lte=day, closes_on__gte=day)

    def of_department(self, user):
        """What a staff member manages: their own department, or all for 県民協働課."""
        return scope_to_department(self, user)


class Theme(models.Model):
    """A department's call for proposals (募集テーマ), or an existing program opened to review."""

    class Kind(models.TextChoices):
        CALL = "call", _("テーマ募集")
        PROGRAM_REVIEW = "program_review", _("既存事業の見直し")

    class Status(models.TextChoices):
        DRAFT = "draft", _("準備中")
        PUBLISHED = "published", _("公開")
        ARCHIVED = "archived", _("掲載終了")

    # Anyone may open these (掲載終了 themes stay for the record).
    PUBLIC_STATUSES = (Status.PUBLISHED, Status.ARCHIVED)

    department = models.ForeignKey(
        "kyodo_portal.Department",
        verbose_name=_("担当部署"),
        on_delete=models.PROTECT,
        related_name="themes",
    )
    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices, default=Kind.CALL)
    title = models.CharField(_("テーマ名"), max_length=200)
    background = models.TextField(
        _("背景と課題"), help_text=_("既存事業の見直しでは、事業の現状と見直したい点を書きます。")
    )
    wanted = models.TextField(_("求める提案"))
    activity_fields = models.ManyToManyField(
        "cso_registry.ActivityField",
        verbose_name=_("活動分野"),
        related_name="themes",
        blank=True,
    )
    offered_forms = models.JSONField(
        _("想定する協働の形態"),
        default=list,
        help_text=_("この部署がとることのできる協働の形態。"),
    )
    opens_on = models.DateField(_("募集開始日"))
    closes_on = models.DateField(_("募集締切日"))
    budget_note = models.TextField(
        _("予算について"),
        blank=True,
        help_text=_("任意。協働は予算化を前提とするものではありません。"),
    )
    status = models.CharField(
        _("掲載状態"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("募集テーマ")
        verbose_name_plural = _("募集テーマ")
        ordering = ["-opens_on", "-id"]
        indexes = [models.Index(fields=["status", "closes_on"], name="theme_status_closes_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__lte=F("closes_on")),
                name="theme_period_in_order",
                violation_error_message=_("募集締切日は募集開始日より後にしてください。"),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("proposals:theme_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.opens_on and self.closes_on and self.opens_on > self.closes_on:
            raise ValidationError({"closes_on": _("募集締切日は募集開始日より後にしてください。")})
        unknown = set(self.offered_forms or []) - set(CollaborationForm.values)
        if unknown:
            raise ValidationError({"offered_forms": _("協働の形態の値が正しくありません。")})

    def is_open(self, day=None):
        day = day or timezone.localdate()
        return self.status == self.Status.PUBLISHED and self.opens_on <= day <= self.closes_on

    @property
    def offered_form_labels(self):
        return [CollaborationForm(value).label for value in self.offered_forms or []]

    @property
    def fiscal_year(self):
        return fiscal_year(self.opens_on)


# --- Review criteria -----------------------------------------------------------------------


class FreeProposalReview(Department):
    """A department seen as the owner of the review criteria for its free proposals
    (proxy: the admin edits a department's criteria on one page, weights adding to 100)."""

    class Meta:
        proxy = True
        verbose_name = _("自由提案の審査項目")
        verbose_name_plural = _("自由提案の審査項目")


class ReviewCriterion(models.Model):
    """One weighted criterion (審査項目): of a theme, or of a department for free proposals."""

    theme = models.ForeignKey(
        Theme,
        verbose_name=_("募集テーマ"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="criteria",
    )
    department = models.ForeignKey(
        "kyodo_portal.Department",
        verbose_name=_("部署（自由提案の審査）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_criteria",
    )
    name = models.CharField(_("審査項目"), max_length=100)
    description = models.CharField(_("見るところ"), max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("配点（重み）"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("審査項目")
        verbose_name_plural = _("審査項目")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(theme__isnull=False, department__isnull=True)
                    | Q(theme__isnull=True, department__isnull=False)
                ),
                name="reviewcriterion_of_theme_or_department",
                violation_error_message=_("審査項目はテーマか部署のどちらか一方に属します。"),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="reviewcriterion_weight_range"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.weight}）"


# --- Proposals -----------------------------------------------------------------------------


class ProposalQuerySet(models.QuerySet):
    def of_cso_member(self, user):
        """Proposals of the CSOs the user is an active member of (the CSO side)."""
        from cso_registry.access import member_csos

        return self.filter(cso__in=member_csos(user))

    def seen_by_prefecture(self):
        """Drafts stay with the CSO unless it opened 事前相談 on them."""
        return self.exclude(status=Proposal.Status.DRAFT, pre_consultation_opened_at__isnull=True)

    def for_staff(self, user):
        """What a staff member may handle: their department's proposals, or all for 県民協働課."""
        return scope_to_department(self.seen_by_prefecture(), user)

    def submitted(self):
        return self.filter(status=Proposal.Status.SUBMITTED)

    def agreed(self):
        """Where the agreement (協定書) starts: proposals the two sides agreed on."""
        return self.filter(status=Proposal.Status.AGREED)

    def with_review_totals(self):
        """Annotate review_points (Σ value × weight over the reviewers who finished; their
        total out of 100 is ``weighted_total(review_points)``), review_count (the reviewers who
        finished) and review_mean_points (review_points per reviewer, for sorting by the
        average; None until someone finished)."""
        points = (
            ReviewScore.objects.filter(
                assignment__proposal=OuterRef("pk"), assignment__completed_at__isnull=False
            )
            .values("assignment__proposal")
            .annotate(points=Sum(F("value") * F("criterion__weight")))
            .values("points")
        )
        finished = (
            ReviewAssignment.objects.filter(proposal=OuterRef("pk"), completed_at__isnull=False)
            .values("proposal")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            review_points=Subquery(points, output_field=models.IntegerField()),
            review_count=Subquery(finished, output_field=models.IntegerField()),
        ).annotate(
            review_mean_points=ExpressionWrapper(
                Cast("review_points", models.FloatField()) / F("review_count"),
                output_field=models.FloatField(),
            )
        )


class Proposal(models.Model):
    """A CSO's proposal for collaboration, on a theme or free (addressed to a department)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        SUBMITTED = "submitted", _("提出済")
        IN_CONSULTATION = "in_consultation", _("協議中")
        AGREED = "agreed", _("合意")
        RETURNED = "returned", _("差戻し")
        REJECTED = "rejected", _("不採択")
        WITHDRAWN = "withdrawn", _("取下げ")

    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
    WITHDRAWABLE_STATUSES = (
        Status.DRAFT,
        Status.SUBMITTED,
        Status.IN_CONSULTATION,
        Status.RETURNED,
    )
    CLOSED_STATUSES = (Status.REJECTED, Status.WITHDRAWN)
    # Final decisions, the only proposal states public pages show (kyodo_portal/page_cache.py).
    DECIDED_STATUSES = (Status.AGREED, Status.REJECTED)

    cso = models.ForeignKey(
        "cso_registry.CSO",
        verbose_name=_("提案団体"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("募集テーマ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        help_text=_("空欄なら自由提案です。"),
    )
    department = models.ForeignKey(
        "kyodo_portal.Department",
        verbose_name=_("提案先の部署"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    title = models.CharField(_("事業名"), max_length=200)
    purpose = models.TextField(_("目的"), help_text=_("この事業で解決したい地域の課題。"))
    shared_goal = models.TextField(
        _("県と共有したい目標"),
        help_text=_("目的の共有と明確化：協働によって双方が目指す姿を書きます。"),
    )
    content = models.TextField(_("事業の内容"))
    expected_effect = models.TextField(_("期待される効果"))
    zone = models.CharField(_("協働の領域"), max_length=1, choices=CollaborationZone.choices)
    form = models.CharField(_("協働の形態"), max_length=20, choices=CollaborationForm.choices)
    project_type = models.CharField(
        _("事業の種類（協働になじむ事業）"), max_length=20, choices=ProjectType.choices
    )
    starts_on = models.DateField(_("実施期間（開始）"), null=True, blank=True)
    ends_on = models.DateField(_("実施期間（終了）"), null=True, blank=True)
    budget_estimate = models.PositiveIntegerField(
        _("概算事業費（円）"),
        null=True,
        blank=True,
        help_text=_("任意。協働は予算化を前提とするものではありません。"),
    )
    budget_note = models.TextField(_("費用の内訳・負担の考え方"), blank=True)
    cso_role = models.TextField(_("団体が担う役割"))
    prefecture_role = models.TextField(_("県に期待する役割"))

    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"), default=current_fiscal_year, db_index=True
    )
    pre_consultation_opened_at = models.DateTimeField(_("事前相談の開始"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("合意日時"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    version = models.PositiveIntegerField(
        _("版"),
        default=1,
        editable=False,
        help_text=_(
            "団体が内容を保存するたびに1つ増えます。二人が同時に編集したときの上書きを防ぎます。"
        ),
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("提案")
        verbose_name_plural = _("提案")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["department", "status"], name="proposal_dept_status_idx"),
            # A 推進員's admin list at a million proposals: newest first within the department,
            # and its count and 年度 choices read from the index alone.
            models.Index(
                fields=["department", "-updated_at", "-id"], name="proposal_dept_updated_idx"
            ),
            models.Index(
                fields=["department", "fiscal_year", "status", "pre_consultation_opened_at"],
                name="proposal_dept_year_visible_idx",
            ),
            # 県民協働課's admin list (every department), newest first.
            models.Index(fields=["-updated_at", "-id"], name="proposal_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=zone_form_condition(),
                name="proposal_form_allowed_in_zone",
                violation_error_message=_("この協働の領域では選べない形態です。"),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(starts_on__lte=F("ends_on")),
                name="proposal_period_in_order",
                violation_error_message=_("実施期間の終了は開始より後にしてください。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="agreed") | Q(agreed_at__isnull=False),
                name="proposal_agreed_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.theme_id and not self.department_id:
            self.department_id = self.theme.department_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("proposals:my_detail", args=[self.pk])

    def clean(self):
        super().clean()
        check_zone_form(self.zone, self.form)
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            raise ValidationError({"ends_on": _("実施期間の終了は開始より後にしてください。")})
        if self.theme_id and self.department_id and self.theme.department_id != self.department_id:
            raise ValidationError(
                {"department": _("テーマへの提案は、テーマの担当部署にあてて出します。")}
            )

    @property
    def is_free(self):
        return self.theme_id is None

    @property
    def is_editable(self):
        return self.status in self.EDITABLE_STATUSES

    @property
    def is_withdrawable(self):
        return self.status in self.WITHDRAWABLE_STATUSES

    @property
    def is_closed(self):
        return self.status in self.CLOSED_STATUSES

    @property
    def is_seen_by_prefecture(self):
        """Drafts stay with the CSO unless it opened 事前相談 on them (``seen_by_prefecture``)."""
        return self.status != self.Status.DRAFT or self.pre_consultation_opened_at is not None

    @property
    def consultation_open(self):
        """The thread is open from 事前相談 on a draft until the proposal is closed."""
        return self.is_seen_by_prefecture and not self.is_closed

    def review_criteria(self):
        if self.theme_id:
            return ReviewCriterion.objects.filter(theme_id=self.theme_id)
        return ReviewCriterion.objects.filter(department_id=self.department_id)


class ProposalTransition(HistoryRecord):
    """The history of a proposal: who moved it from which state to which, when and why."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("提案"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status, to_status = HistoryRecord.status_fields(Proposal.Status.choices, to_required=True)
    by_prefecture = models.BooleanField(_("県側の操作"), default=False)

    class Meta(HistoryRecord.Meta):
        verbose_name = _("提案の履歴")
        verbose_name_plural = _("提案の履歴")


# --- Consultation ----------------------------------------------------------------------------


class ConsultationEntryQuerySet(models.QuerySet):
    def shared(self):
        return self.filter(visibility=ConsultationEntry.Visibility.SHARED)

    def visible_to(self, user, proposal):
        """Staff handling the proposal see everything; the CSO only what is shared."""
        from proposals.access import can_handle_proposal

        if can_handle_proposal(user, proposal):
            return self
        return self.shared()


class ConsultationEntry(models.Model):
    """One entry of the consultation (協議) thread, by either side."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("面談")
        MESSAGE = "message", _("メッセージ")
        DOCUMENT = "document", _("資料")

    class Visibility(models.TextChoices):
        SHARED = "shared", _("共有")
        INTERNAL = "internal", _("県内部のみ")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("提案"), on_delete=models.CASCADE, related_name="consultations"
    )
    occurred_on = models.DateField(_("日付"), default=datetime.date.today)
    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices, default=Kind.MESSAGE)
    text = models.TextField(_("内容"))
    visibility = models.CharField(
        _("公開範囲"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.SHARED,
        help_text=_("「県内部のみ」は CSO には表示されず、メールも送られません。"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記入者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    by_prefecture = models.BooleanField(_("県側の記入"), default=False)
    created_at = models.DateTimeField(_("記入日時"), auto_now_add=True)

    objects = ConsultationEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("協議の記録")
        verbose_name_plural = _("協議の記録")
        ordering = ["occurred_on", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(by_prefecture=True) | Q(visibility="shared"),
                name="consultationentry_cso_entries_are_shared",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_on}"

    @property
    def is_internal(self):
        return self.visibility == self.Visibility.INTERNAL


class Attachment(UploadedFile):
    """A file of a proposal, or of one of its consultation entries (then it follows the
    entry's visibility). Stored under a generated name outside MEDIA_ROOT."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("提案"), on_delete=models.CASCADE, related_name="attachments"
    )
    entry = models.ForeignKey(
        ConsultationEntry,
        verbose_name=_("協議の記録"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(
        _("ファイル"),
        upload_to=GeneratedName("proposals"),
        storage=private_storage,
        validators=[validate_upload],
        max_length=200,
    )
    is_removed = models.BooleanField(_("取り消し済み"), default=False)

    class Meta(UploadedFile.Meta):
        verbose_name = _("添付ファイル")
        verbose_name_plural = _("添付ファイル")

    def get_download_url(self):
        return reverse("proposals:attachment_download", args=[self.pk])

    @property
    def is_internal(self):
        return self.entry_id is not None and self.entry.is_internal


# --- Review --------------------------------------------------------------------------------


class ReviewAssignment(models.Model):
    """A reviewer (審査員) assigned to one proposal."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("提案"), on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("審査員"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("依頼した人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    completed_at = models.DateTimeField(_("採点完了"), null=True, blank=True)

    class Meta:
        verbose_name = _("審査の担当")
        verbose_name_plural = _("審査の担当")
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reviewer"],
                name="reviewassignment_one_per_reviewer",
                violation_error_message=_("この審査員はすでに割り当てられています。"),
            ),
        ]

    def __str__(self):
        return f"{self.proposal} / {self.reviewer}"

    @property
    def is_complete(self):
        return self.completed_at is not None


class ReviewScore(models.Model):
    """One reviewer's score for one criterion, 1 (低い) to 5 (高い), with a comment."""

    MAX_VALUE = 5

    assignment = models.ForeignKey(
        ReviewAssignment,
        verbose_name=_("審査の担当"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    criterion = models.ForeignKey(
        ReviewCriterion, verbose_name=_("審査項目"), on_delete=models.PROTECT, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(
        _("評点"), validators=[MinValueValidator(1), MaxValueValidator(MAX_VALUE)]
    )
    comment = models.TextField(_("コメント"), blank=True)

    class Meta:
        verbose_name = _("評点")
        verbose_name_plural = _("評点")
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="reviewscore_one_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=5), name="reviewscore_value_range"
            ),
        ]

    def __str__(self):
        return f"{self.criterion.name}: {self.value}"

    @property
    def weighted(self):
        return self.value * self.criterion.weight / self.MAX_VALUE


def weighted_total(points):
    """Σ value × weight, turned into a score out of 100."""
    if points is None:
        return None
    return round(points / ReviewScore.MAX_VALUE, 1)
