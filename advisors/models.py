from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cso_registry.models import CSO
from kyodo_portal.models import HistoryRecord


class Topic(models.TextChoices):
    LABOUR = "labour", _("労務管理")
    ACCOUNTING = "accounting", _("会計処理")
    OTHER = "other", _("その他")


class Advisor(models.Model):
    """An expert the prefecture can send to an NPO法人 (社会保険労務士, 税理士 and so on).

    The list is internal: a CSO sees only the name and qualification of the advisor sent.
    """

    name = models.CharField(_("氏名"), max_length=100)
    qualification = models.CharField(
        _("資格・肩書"), max_length=100, help_text=_("例: 社会保険労務士、税理士")
    )
    organisation = models.CharField(_("事務所名"), max_length=200, blank=True)
    main_topic = models.CharField(_("主な分野"), max_length=20, choices=Topic.choices)
    expertise = models.CharField(
        _("得意とする内容"),
        max_length=300,
        blank=True,
        help_text=_("例: 就業規則、NPO法人会計基準"),
    )
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    is_active = models.BooleanField(
        _("派遣を依頼できる"), default=True, help_text=_("外すと派遣先を選ぶ一覧に表示しません。")
    )

    class Meta:
        verbose_name = _("専門アドバイザー")
        verbose_name_plural = _("専門アドバイザー")
        ordering = ["main_topic", "name"]

    def __str__(self):
        return f"{self.name}（{self.qualification}）"


class AdvisorRequestQuerySet(models.QuerySet):
    def of_member(self, user):
        """Requests of the CSOs a person actively belongs to (any role may read them)."""
        from cso_registry.access import member_csos

        return self.filter(cso__in=member_csos(user))

    def open(self):
        return self.filter(status__in=AdvisorRequest.OPEN_STATUSES)


class AdvisorRequest(models.Model):
    """専門アドバイザー派遣の申込: an NPO法人 asks for advice on 労務管理, 会計処理 or other matters."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("申込受付")
        SCHEDULED = "scheduled", _("派遣決定")
        COMPLETED = "completed", _("実施済み")
        DECLINED = "declined", _("見送り")
        WITHDRAWN = "withdrawn", _("取下げ")

    # Open: waiting for the visit; the CSO may still withdraw it.
    OPEN_STATUSES = (Status.SUBMITTED, Status.SCHEDULED)

    cso = models.ForeignKey(
        CSO, verbose_name=_("団体"), on_delete=models.PROTECT, related_name="advisor_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申込者"),
        on_delete=models.PROTECT,
        related_name="advisor_requests",
    )
    topic = models.CharField(_("相談の分野"), max_length=20, choices=Topic.choices)
    details = models.TextField(
        _("相談したい内容"),
        help_text=_("いま困っていること、知りたいことを具体的にお書きください。"),
    )
    preferred_date_1 = models.DateField(_("第1希望日"))
    preferred_date_2 = models.DateField(_("第2希望日"), null=True, blank=True)
    preferred_date_3 = models.DateField(_("第3希望日"), null=True, blank=True)
    preferred_time = models.CharField(
        _("希望の時間帯など"), max_length=200, blank=True, help_text=_("例: 平日の午後、2時間程度")
    )
    place = models.CharField(
        _("希望の場所"), max_length=200, blank=True, help_text=_("例: 団体の事務所、オンライン")
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    advisor = models.ForeignKey(
        Advisor,
        verbose_name=_("派遣するアドバイザー"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    visit_at = models.DateTimeField(_("訪問日時"), null=True, blank=True)
    visit_place = models.CharField(_("訪問場所"), max_length=200, blank=True)
    message_to_cso = models.TextField(
        _("団体への連絡事項"), blank=True, help_text=_("団体の方に表示します。")
    )
    decline_reason = models.TextField(_("見送りの理由"), blank=True)
    report = models.TextField(
        _("実施報告"),
        blank=True,
        help_text=_(
            "訪問後に記入します。助言の要点と今後の課題を短くまとめます。団体の方にも表示します。"
        ),
    )
    internal_note = models.TextField(
        _("県の内部メモ"), blank=True, help_text=_("団体の方には表示しません。")
    )
    created_at = models.DateTimeField(_("申込日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = AdvisorRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("専門アドバイザー派遣の申込")
        verbose_name_plural = _("専門アドバイザー派遣の申込")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["scheduled", "completed"])
                | (Q(advisor__isnull=False) & Q(visit_at__isnull=False)),
                name="advisorrequest_scheduled_has_advisor_and_visit",
                violation_error_message=_("派遣決定にはアドバイザーと訪問日時が必要です。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | ~Q(report=""),
                name="advisorrequest_completed_has_report",
                violation_error_message=_("実施済みにするには実施報告が必要です。"),
            ),
        ]

    def __str__(self):
        return (
            f"{self.cso} / {self.get_topic_display()}（{self.created_at:%Y-%m-%d}）"
            if self.created_at
            else str(self.cso)
        )

    def get_absolute_url(self):
        return reverse("advisors:detail", args=[self.pk])

    @property
    def preferred_dates(self):
        return [
            d for d in (self.preferred_date_1, self.preferred_date_2, self.preferred_date_3) if d
        ]

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES


class AdvisorRequestTransition(HistoryRecord):
    """Who moved a request from which state to which, when, and why."""

    request = models.ForeignKey(
        AdvisorRequest,
        verbose_name=_("申込"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_status, to_status = HistoryRecord.status_fields(
        AdvisorRequest.Status.choices, to_required=True
    )

    class Meta(HistoryRecord.Meta):
        verbose_name = _("申込の経過")
        verbose_name_plural = _("申込の経過")
