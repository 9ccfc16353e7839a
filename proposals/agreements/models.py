"""Agreements (協定書): the collaboration from 合意 to 完了, its versions, parties and role
division (役割分担), the history of each step, and the progress reports (進捗報告).

Two layers, so that an amendment (変更協定) never rewrites what was signed:

- ``Agreement`` is the collaboration itself: the proposal it came from, the department, the
  lifecycle state (作成中 → CSO確認済 → 締結 → 実施中 → 完了) and the fiscal year it was
  concluded in; ``current_version`` points at the version in force (or at the first draft),
  and the agreement's terms (``zone``, ``form``, ``activity_fields``) are read from it.
- ``AgreementVersion`` is what the two sides sign, every term of it: title, purpose, period,
  zone, form and activity fields, budget, clauses, the items the form requires, contacts, the
  CSO parties (``AgreementParty``) and the role table (``RoleAssignment``). Version 1 is drafted by the department, confirmed by the 管理者 of every
  party CSO and concluded (締結). A change after 締結 is a new version drafted from the one in
  force; the old version stays in force until the new one is concluded, then it is kept as
  変更前 — readable by both parties, never edited or deleted.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kyodo_portal.access import scope_to_department
from kyodo_portal.models import HistoryRecord, UploadedFile
from kyodo_portal.uploads import GeneratedName, private_storage, validate_upload
from proposals.models.proposals import CollaborationForm, CollaborationZone, zone_form_condition

DEFAULT_CONFIDENTIALITY_CLAUSE = _(
    "県と団体は、この協働事業を行うなかで知った個人情報と相手方の秘密を、相手方の承諾なく"
    "第三者に漏らさず、この事業のほかに使いません。協定が終わった後も同じとします。"
    "ただし、県民協働指針の「情報公開と守秘義務」の原則にしたがい、事業の名称、協働の形態と領域、"
    "当事者、期間、役割分担の概要、状態と進捗の要約は、県が公開します。"
)


class AgreementQuerySet(models.QuerySet):
    def public(self):
        """Agreements anyone may read: concluded (締結) or later."""
        return self.filter(status__in=Agreement.PUBLIC_STATUSES)

    def completed(self):
        return self.filter(status=Agreement.Status.COMPLETED)

    def in_progress(self):
        return self.filter(status=Agreement.Status.IN_PROGRESS)

    def accepting_progress_reports(self):
        """Agreements either side may report progress on now (``accepts_progress_reports``)."""
        return self.filter(status__in=Agreement.PROGRESS_REPORT_STATUSES)

    def for_staff(self, user):
        """What a staff member handles: their department's agreements, or all for 県民協働課."""
        return scope_to_department(self, user)

    def of_cso(self, cso):
        """Agreements ``cso`` is or was a party to: of the version in force, or of one that was
        in force before an amendment (変更前); never of a withdrawn or unconcluded amendment."""
        # From the CSO's parties (an index probe), not an EXISTS per agreement (a scan of
        # every agreement at national scale).
        parties = AgreementParty.objects.filter(cso=cso).filter(
            Q(version=F("version__agreement__current_version"))
            | Q(version__status=AgreementVersion.Status.SUPERSEDED)
        )
        return self.filter(pk__in=parties.values("version__agreement"))

    def of_party_member(self, user):
        """Agreements whose parties (the CSOs of the version in force) include a CSO the user
        is an active member of: proposals/access.py ``is_agreement_party`` as a queryset."""
        from cso_registry.access import member_cso_ids

        # From the member's parties to their versions: a few index probes, where an EXISTS
        # per agreement read every agreement (1 s and more at a million proposals).
        parties = AgreementParty.objects.filter(cso__in=member_cso_ids(user))
        return self.filter(current_version__in=parties.values("version"))

    def of_cso_member(self, user):
        """What a CSO member opens under /my/agreements/: their parties' agreements, and the
        ones whose open amendment proposes their CSO as a party."""
        from cso_registry.access import member_cso_ids

        proposed = AgreementParty.objects.filter(
            version__status__in=AgreementVersion.OPEN_STATUSES, cso__in=member_cso_ids(user)
        ).values("version__agreement")
        # One list of ids (a UNION), not an OR of two conditions, which made the database read
        # every agreement to test both.
        return self.filter(
            pk__in=Agreement.objects.of_party_member(user).values("pk").union(proposed)
        )

    def for_listing(self):
        """Everything a list row reads (title, period, parties, department, fields) in a fixed
        number of queries."""
        return self.select_related("current_version", "department__parent").prefetch_related(
            Prefetch(
                "current_version__parties",
                queryset=AgreementParty.objects.select_related("cso").order_by("-is_lead", "pk"),
            ),
            "current_version__activity_fields",
        )


class Agreement(models.Model):
    """A collaboration agreed on a proposal at 合意, from the first draft to 完了."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("作成中")
        CONFIRMED = "confirmed", _("CSO確認済")
        CONCLUDED = "concluded", _("締結")
        IN_PROGRESS = "in_progress", _("実施中")
        COMPLETED = "completed", _("完了")

    PUBLIC_STATUSES = (Status.CONCLUDED, Status.IN_PROGRESS, Status.COMPLETED)
    AMENDABLE_STATUSES = (Status.CONCLUDED, Status.IN_PROGRESS)
    # Progress reports (進捗報告) only while 実施中; before it, the prefecture has not started.
    PROGRESS_REPORT_STATUSES = (Status.IN_PROGRESS,)
    BEFORE_PROGRESS_REPORT_STATUSES = (Status.DRAFT, Status.CONFIRMED, Status.CONCLUDED)

    proposal = models.OneToOneField(
        "proposals.Proposal",
        verbose_name=_("もとの提案"),
        on_delete=models.PROTECT,
        related_name="agreement",
    )
    department = models.ForeignKey(
        "kyodo_portal.Department",
        verbose_name=_("県の担当部署"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("締結年度"), null=True, blank=True, db_index=True
    )
    concluded_on = models.DateField(_("締結日"), null=True, blank=True)
    started_on = models.DateField(_("実施開始日"), null=True, blank=True)
    completed_on = models.DateField(_("完了日"), null=True, blank=True)
    current_version = models.ForeignKey(
        "proposals.AgreementVersion",
        verbose_name=_("現在の版"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    internal_note = models.TextField(
        _("県内部のメモ"),
        blank=True,
        help_text=_("県の職員だけが読めます。団体のページ、公開ページ、出力には載りません。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("協定")
        verbose_name_plural = _("協定")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["department", "status"], name="agreement_dept_status_idx"),
            # /projects/ lists public agreements newest first: a range scan, not a sort of all.
            models.Index(fields=["-concluded_on", "-id"], name="agreement_concluded_order_idx"),
            # The 締結年度 choices: DISTINCT read from the index alone.
            models.Index(fields=["fiscal_year", "status"], name="agreement_year_status_idx"),
            # The admin's list, newest first: 県民協働課's (all) and a 推進員's (the department).
            models.Index(fields=["-created_at", "-id"], name="agreement_created_order_idx"),
            models.Index(
                fields=["department", "-created_at", "-id"], name="agreement_dept_created_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "confirmed"])
                | Q(concluded_on__isnull=False, fiscal_year__isnull=False),
                name="agreement_concluded_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("proposals:project_detail", args=[self.pk])

    def get_member_url(self):
        return reverse("proposals:my_agreement_detail", args=[self.pk])

    @property
    def title(self):
        return self.current_version.title if self.current_version_id else str(self.proposal)

    # The terms in force: those of the current version (what the parties confirmed).

    @property
    def zone(self):
        return self.current_version.zone

    @property
    def form(self):
        return self.current_version.form

    @property
    def activity_fields(self):
        return self.current_version.activity_fields

    def get_zone_display(self):
        return self.current_version.get_zone_display()

    def get_form_display(self):
        return self.current_version.get_form_display()

    @property
    def is_public(self):
        return self.status in self.PUBLIC_STATUSES

    @property
    def is_amendable(self):
        return self.status in self.AMENDABLE_STATUSES

    @property
    def accepts_progress_reports(self):
        """Either side may report progress now: only while 実施中 (the member page, the admin,
        the progress sheet and the service all ask this)."""
        return self.status in self.PROGRESS_REPORT_STATUSES

    @property
    def will_accept_progress_reports(self):
        """Not started yet: progress reports open once the prefecture starts the work."""
        return self.status in self.BEFORE_PROGRESS_REPORT_STATUSES

    def pending_version(self):
        """The amendment being drafted or confirmed, if any (never the first draft)."""
        if not self.is_public:
            return None
        return self.versions.filter(status__in=AgreementVersion.OPEN_STATUSES).first()

    def open_version(self):
        """The version the parties are working on now: the first draft, or an amendment."""
        return self.versions.filter(status__in=AgreementVersion.OPEN_STATUSES).first()

    def latest_public_report(self):
        return self.progress_reports.public().order_by("-reported_on", "-id").first()


class AgreementVersion(models.Model):
    """One version of the 協定書: version 1, then one per amendment (変更協定)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("作成中")
        CONFIRMED = "confirmed", _("CSO確認済")
        CONCLUDED = "concluded", _("締結")
        SUPERSEDED = "superseded", _("変更前（失効）")
        WITHDRAWN = "withdrawn", _("取りやめ")

    OPEN_STATUSES = (Status.DRAFT, Status.CONFIRMED)

    # Items each form must have before the agreement can be confirmed or concluded.
    FORM_REQUIREMENTS = {
        CollaborationForm.CONSIGNMENT: ("deliverables", "payment_note"),
        CollaborationForm.SUBSIDY: ("subsidy_amount", "reporting_duty"),
        CollaborationForm.SPONSORSHIP: ("event_description", "name_use_conditions"),
        CollaborationForm.CO_HOSTING: ("shared_costs", "shared_responsibilities"),
        CollaborationForm.COOPERATION: (),
    }
    FORM_FIELDS = (
        "deliverables",
        "payment_note",
        "subsidy_amount",
        "reporting_duty",
        "event_description",
        "name_use_conditions",
        "shared_costs",
        "shared_responsibilities",
    )
    ALWAYS_REQUIRED = (
        "title",
        "purpose",
        "shared_goal",
        "starts_on",
        "ends_on",
        "confidentiality_clause",
        "prefecture_contact_name",
    )
    # What an amendment copies from the version in force (with the activity fields, the
    # parties and the role table).
    CONTENT_FIELDS = (
        "zone",
        "form",
        "title",
        "purpose",
        "shared_goal",
        "starts_on",
        "ends_on",
        "budget_amount",
        "budget_request_needed",
        "budget_note",
        "confidentiality_clause",
        "other_clauses",
        *FORM_FIELDS,
        "prefecture_contact_name",
        "prefecture_contact_title",
        "prefecture_contact_phone",
        "prefecture_contact_email",
    )

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("協定"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("版"), default=1)
    status = models.CharField(
        _("版の状態"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    amendment_reason = models.TextField(
        _("変更の理由"), blank=True, help_text=_("変更協定（第2版以降）で書きます。")
    )

    title = models.CharField(_("事業名"), max_length=200)
    zone = models.CharField(_("協働の領域"), max_length=1, choices=CollaborationZone.choices)
    form = models.CharField(_("協働の形態"), max_length=20, choices=CollaborationForm.choices)
    activity_fields = models.ManyToManyField(
        "cso_registry.ActivityField",
        verbose_name=_("活動分野"),
        related_name="agreement_versions",
        blank=True,
    )
    purpose = models.TextField(_("目的"))
    shared_goal = models.TextField(_("共有する目標"))
    starts_on = models.DateField(_("協働の期間（開始）"), null=True, blank=True)
    ends_on = models.DateField(_("協働の期間（終了）"), null=True, blank=True)
    budget_amount = models.PositiveIntegerField(
        _("予算額（円）"),
        null=True,
        blank=True,
        help_text=_("任意。協働は予算化を前提とするものではありません。"),
    )
    budget_request_needed = models.BooleanField(
        _("予算要求が必要"),
        default=False,
        help_text=_("担当部署の予算要求が必要なときに付けます（予算額も書きます）。"),
    )
    budget_note = models.TextField(_("費用の負担について"), blank=True)
    confidentiality_clause = models.TextField(_("守秘義務"), default=DEFAULT_CONFIDENTIALITY_CLAUSE)
    other_clauses = models.TextField(_("その他の取り決め"), blank=True)

    deliverables = models.TextField(_("成果物"), blank=True, help_text=_("協働型委託で必須。"))
    payment_note = models.TextField(
        _("委託料と支払い"), blank=True, help_text=_("協働型委託で必須。金額・時期・方法。")
    )
    subsidy_amount = models.PositiveIntegerField(
        _("補助金の額（円）"), null=True, blank=True, help_text=_("補助で必須。")
    )
    reporting_duty = models.TextField(
        _("実績報告の義務"), blank=True, help_text=_("補助で必須。報告の時期と内容。")
    )
    event_description = models.TextField(
        _("後援する催し"), blank=True, help_text=_("後援で必須。催しの名称・日時・会場。")
    )
    name_use_conditions = models.TextField(
        _("県の名義を使う条件"), blank=True, help_text=_("後援で必須。")
    )
    shared_costs = models.TextField(
        _("費用の分担"), blank=True, help_text=_("共催で必須。誰が何を負担するか。")
    )
    shared_responsibilities = models.TextField(
        _("責任の分担"), blank=True, help_text=_("共催で必須。事故や苦情への対応など。")
    )

    prefecture_contact_name = models.CharField(_("県の担当者"), max_length=100, blank=True)
    prefecture_contact_title = models.CharField(_("県の担当者の職名"), max_length=100, blank=True)
    prefecture_contact_phone = models.CharField(
        _("県の担当者の電話番号"), max_length=20, blank=True
    )
    prefecture_contact_email = models.EmailField(_("県の担当者のメールアドレス"), blank=True)

    revision = models.PositiveIntegerField(
        _("改訂番号"),
        default=1,
        editable=False,
        help_text=_("下書きを保存するたびに増えます。団体は見た改訂番号の内容を確認します。"),
    )
    confirmation_requested_at = models.DateTimeField(_("確認の依頼"), null=True, blank=True)
    concluded_on = models.DateField(_("締結日"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("締結を記録した人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("協定書の版")
        verbose_name_plural = _("協定書の版")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="agreementversion_unique_number"
            ),
            models.CheckConstraint(
                condition=zone_form_condition(),
                name="agreementversion_form_allowed_in_zone",
                violation_error_message=_("この協働の領域では選べない形態です。"),
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status__in=["draft", "confirmed"]),
                name="agreementversion_one_open_per_agreement",
                violation_error_message=_("作成中の版はひとつだけです。"),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(starts_on__lte=F("ends_on")),
                name="agreementversion_period_in_order",
                violation_error_message=_("協働の期間の終了は開始より後にしてください。"),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["concluded", "superseded"])
                | Q(concluded_on__isnull=False),
                name="agreementversion_concluded_has_date",
            ),
        ]

    def __str__(self):
        return _("%(title)s（第%(number)s版）") % {"title": self.title, "number": self.number}

    @property
    def is_amendment(self):
        return self.number > 1

    @property
    def is_public(self):
        """In force (締結) or replaced by an amendment (変更前) — of an agreement the public
        sees; never a draft, an open amendment or a withdrawn one."""
        return (
            self.status in (self.Status.CONCLUDED, self.Status.SUPERSEDED)
            and self.agreement.is_public
        )

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT

    def required_form_fields(self, form=None):
        return self.FORM_REQUIREMENTS.get(form or self.form, ())

    def shown_form_fields(self, form=None):
        """The form's own items (the print and the pages show only these)."""
        return [
            {
                "label": self._meta.get_field(name).verbose_name,
                "value": getattr(self, name),
                "is_money": name == "subsidy_amount",
            }
            for name in self.required_form_fields(form)
        ]

    def missing_items(self, *, parties=None, roles=None):
        """The labels of what must still be written before confirmation or 締結: the common
        items, the items the form requires, a contact on each side, and a role table where
        every party (each CSO and the prefecture) carries at least one task."""
        missing = []

        def label(name):
            return str(self._meta.get_field(name).verbose_name)

        for name in (*self.ALWAYS_REQUIRED, *self.required_form_fields()):
            value = getattr(self, name)
            if value is None or (isinstance(value, str) and not value.strip()):
                missing.append(label(name))
        if self.budget_request_needed and self.budget_amount is None:
            missing.append(str(_("予算額（予算要求が必要なとき）")))
        parties = list(self.parties.select_related("cso")) if parties is None else parties
        roles = list(self.roles.all()) if roles is None else roles
        if not parties:
            missing.append(str(_("団体（当事者）")))
        for party in parties:
            if not party.contact_name.strip():
                missing.append(
                    str(_("%(cso)s の担当者") % {"cso": party.cso.name}),
                )
        if not roles:
            missing.append(str(_("役割分担（少なくとも一つの作業）")))
            return missing
        several = len(parties) > 1
        party_ids = {party.cso_id for party in parties}
        for role in roles:
            if role.cso_id and role.cso_id not in party_ids:
                missing.append(
                    str(
                        _("役割分担「%(task)s」を担う団体（当事者にいません）")
                        % {"task": role.task}
                    ),
                )
            if role.carried_by == RoleAssignment.CarriedBy.CSO and several and not role.cso_id:
                missing.append(
                    str(_("役割分担「%(task)s」を担う団体") % {"task": role.task}),
                )
        for party in parties:
            if not any(role.is_carried_by_cso(party.cso_id, several) for role in roles):
                missing.append(str(_("%(cso)s が担う役割") % {"cso": party.cso.name}))
        if not any(role.is_carried_by_prefecture for role in roles):
            missing.append(str(_("県が担う役割")))
        return missing


class AgreementParty(models.Model):
    """A CSO that is a party to a version, with its contact person and its confirmation."""

    version = models.ForeignKey(
        AgreementVersion, verbose_name=_("版"), on_delete=models.CASCADE, related_name="parties"
    )
    cso = models.ForeignKey(
        "cso_registry.CSO",
        verbose_name=_("団体"),
        on_delete=models.PROTECT,
        related_name="agreement_parties",
    )
    is_lead = models.BooleanField(_("提案団体"), default=False)
    contact_name = models.CharField(_("団体の担当者"), max_length=100, blank=True)
    contact_phone = models.CharField(_("担当者の電話番号"), max_length=20, blank=True)
    contact_email = models.EmailField(_("担当者のメールアドレス"), blank=True)
    confirmed_at = models.DateTimeField(_("団体の確認日時"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("確認した管理者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("協定の当事者（団体）")
        verbose_name_plural = _("協定の当事者（団体）")
        ordering = ["version", "-is_lead", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "cso"], name="agreementparty_unique_cso"),
        ]

    def __str__(self):
        return str(self.cso)

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class RoleAssignment(models.Model):
    """One line of the role table (役割分担): a task, who carries it, what they answer for,
    and by when."""

    class CarriedBy(models.TextChoices):
        CSO = "cso", _("CSO")
        PREFECTURE = "prefecture", _("県")
        JOINT = "joint", _("共同")

    version = models.ForeignKey(
        AgreementVersion, verbose_name=_("版"), on_delete=models.CASCADE, related_name="roles"
    )
    order = models.PositiveSmallIntegerField(_("順"), default=0)
    task = models.CharField(_("作業・取り組み"), max_length=200)
    carried_by = models.CharField(_("担い手"), max_length=20, choices=CarriedBy.choices)
    cso = models.ForeignKey(
        "cso_registry.CSO",
        verbose_name=_("担う団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "団体が複数のとき、CSO の作業にはどの団体かを選びます。共同で空欄は全団体です。"
        ),
    )
    responsibility = models.TextField(_("責任の範囲"), blank=True)
    due_on = models.DateField(_("期限"), null=True, blank=True)

    class Meta:
        verbose_name = _("役割分担")
        verbose_name_plural = _("役割分担")
        ordering = ["version", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(carried_by="prefecture") | Q(cso__isnull=True),
                name="roleassignment_prefecture_task_names_no_cso",
                violation_error_message=_("県の作業には団体を選びません。"),
            ),
        ]

    def __str__(self):
        return self.task

    def is_carried_by_cso(self, cso_id, several_parties=True):
        if self.carried_by == self.CarriedBy.PREFECTURE:
            return False
        if self.cso_id is None:
            return self.carried_by == self.CarriedBy.JOINT or not several_parties
        return self.cso_id == cso_id

    @property
    def is_carried_by_prefecture(self):
        return self.carried_by in (self.CarriedBy.PREFECTURE, self.CarriedBy.JOINT)

    def carrier_label(self):
        """CSO（団体名） / 県 / 共同（団体名と県）."""
        if self.carried_by == self.CarriedBy.PREFECTURE:
            return str(_("県"))
        name = self.cso.name if self.cso_id else None
        if self.carried_by == self.CarriedBy.JOINT:
            return (
                str(_("共同（%(cso)s と県）") % {"cso": name})
                if name
                else str(_("共同（団体と県）"))
            )
        return f"CSO（{name}）" if name else "CSO"


class AgreementTransition(HistoryRecord):
    """The history of an agreement: every step, who took it, when, from which state to which,
    and why. Steps of an amendment name their version."""

    class Action(models.TextChoices):
        CREATED = "created", _("協定書の作成")
        CONFIRMATION_REQUESTED = "confirmation_requested", _("団体への確認の依頼")
        EDITED = "edited", _("確認後の内容の変更")
        CHANGES_REQUESTED = "changes_requested", _("団体からの修正の依頼")
        CONFIRMED = "confirmed", _("団体の確認")
        REOPENED = "reopened", _("作成中に戻す")
        CONCLUDED = "concluded", _("締結")
        STARTED = "started", _("実施の開始")
        COMPLETED = "completed", _("完了")
        AMENDMENT_STARTED = "amendment_started", _("変更協定の作成")
        AMENDMENT_WITHDRAWN = "amendment_withdrawn", _("変更協定の取りやめ")

    STATUS_CHOICES = [
        *Agreement.Status.choices,
        (AgreementVersion.Status.SUPERSEDED, AgreementVersion.Status.SUPERSEDED.label),
        (AgreementVersion.Status.WITHDRAWN, AgreementVersion.Status.WITHDRAWN.label),
    ]

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("協定"), on_delete=models.CASCADE, related_name="transitions"
    )
    version = models.ForeignKey(
        AgreementVersion,
        verbose_name=_("版"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="transitions",
    )
    action = models.CharField(_("操作"), max_length=30, choices=Action.choices)
    from_status, to_status = HistoryRecord.status_fields(STATUS_CHOICES)
    by_prefecture = models.BooleanField(_("県側の操作"), default=False)

    class Meta(HistoryRecord.Meta):
        verbose_name = _("協定の履歴")
        verbose_name_plural = _("協定の履歴")


class ProgressReportQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visibility=ProgressReport.Visibility.PUBLIC)


class ProgressReport(models.Model):
    """A progress report (進捗報告) during 実施中, by either side. Every report is read by both
    parties; only the public summary of a 公開 report reaches the public page."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("公開（要約を公開ページに載せる）")
        PARTIES = "parties", _("関係者のみ")

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("協定"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    reported_on = models.DateField(_("報告日"), default=datetime.date.today)
    percent_complete = models.PositiveSmallIntegerField(
        _("進捗率（%）"), help_text=_("0 から 100 までの整数。")
    )
    text = models.TextField(_("報告の内容"))
    next_steps = models.TextField(_("次の予定"), blank=True)
    visibility = models.CharField(
        _("公開範囲"), max_length=20, choices=Visibility.choices, default=Visibility.PARTIES
    )
    public_summary = models.TextField(
        _("公開用の要約"),
        blank=True,
        help_text=_("「公開」のときに必須。個人の名前や連絡先は書かないでください。"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("報告した人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    by_prefecture = models.BooleanField(_("県側の報告"), default=False)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("進捗報告")
        verbose_name_plural = _("進捗報告")
        ordering = ["reported_on", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0, percent_complete__lte=100),
                name="progressreport_percent_range",
            ),
            models.CheckConstraint(
                condition=~Q(visibility="public") | ~Q(public_summary=""),
                name="progressreport_public_has_summary",
                violation_error_message=_("公開する報告には公開用の要約を書いてください。"),
            ),
        ]

    def __str__(self):
        return f"{self.reported_on} {self.percent_complete}%"

    @property
    def is_public(self):
        return self.visibility == self.Visibility.PUBLIC


class ProgressAttachment(UploadedFile):
    """A file of a progress report: for the parties only (never on a public page), stored
    under a generated name outside MEDIA_ROOT and handed out by a permission-checked view."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("進捗報告"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(
        _("ファイル"),
        upload_to=GeneratedName("agreements"),
        storage=private_storage,
        validators=[validate_upload],
        max_length=200,
    )

    class Meta(UploadedFile.Meta):
        verbose_name = _("進捗報告の添付ファイル")
        verbose_name_plural = _("進捗報告の添付ファイル")

    def get_download_url(self):
        return reverse("proposals:progress_attachment_download", args=[self.pk])
