import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo_portal.access import is_verified_staff, scope_to_department
from outreach.validators import normalise_phone


class EventQuerySet(models.QuerySet):
    def public(self):
        """Events anyone may see: announced (or called off) and not 職員研修."""
        return self.filter(status__in=Event.ANNOUNCED_STATUSES).exclude(
            kind=Event.Kind.STAFF_TRAINING
        )

    def visible_to(self, user):
        """Verified staff also see 職員研修; everyone else sees the public events."""
        if is_verified_staff(user):
            return self.filter(status__in=Event.ANNOUNCED_STATUSES)
        return self.public()

    def managed_by(self, user):
        """What a staff member runs in the admin: 県民協働課 all, a 推進員 their department's."""
        return scope_to_department(self, user, field="organiser_id")

    def upcoming(self):
        return self.filter(ends_at__gte=timezone.now())

    def past(self):
        return self.filter(ends_at__lt=timezone.now())

    def with_seat_counts(self):
        return self.annotate(
            confirmed_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
            ),
            waitlist_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
            ),
        )


class Event(models.Model):
    """A seminar, course, staff training or internship of the guideline's 環境整備 measures."""

    class Kind(models.TextChoices):
        SEMINAR = "seminar", _("協働推進セミナー")
        CSO_BASICS = "cso_basics", _("CSO基礎講座")
        COORDINATOR_TRAINING = "coordinator_training", _("協働コーディネーター養成講座")
        STAFF_TRAINING = "staff_training", _("職員研修")
        INTERNSHIP = "internship", _("CSOでのインターンシップ")

    class Status(models.TextChoices):
        DRAFT = "draft", _("準備中（非公開）")
        PUBLISHED = "published", _("公開")
        CANCELLED = "cancelled", _("中止")

    ANNOUNCED_STATUSES = (Status.PUBLISHED, Status.CANCELLED)

    title = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("種類"), max_length=30, choices=Kind.choices)
    status = models.CharField(
        _("公開状態"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("中止にするときは一覧の操作「開催を中止する」を使うと、申込者に連絡されます。"),
    )
    starts_at = models.DateTimeField(_("開始日時"))
    ends_at = models.DateTimeField(_("終了日時"))
    venue = models.CharField(_("会場"), max_length=200)
    venue_address = models.CharField(_("会場の所在地"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        "cso_registry.Municipality",
        verbose_name=_("開催する市町"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("オンライン開催のときは空欄にします。"),
    )
    capacity = models.PositiveIntegerField(_("定員"))
    audience = models.CharField(
        _("対象"), max_length=200, help_text=_("例: CSO の方、県・市町の職員、学生")
    )
    description = models.TextField(_("内容"))
    fee = models.CharField(_("参加費"), max_length=100, default=_("無料"))
    registration_closes_at = models.DateTimeField(
        _("申込締切"), null=True, blank=True, help_text=_("空欄のときは開始日時まで受け付けます。")
    )
    organiser = models.ForeignKey(
        "kyodo_portal.Department",
        verbose_name=_("主催部署"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    contact = models.CharField(
        _("問い合わせ先"),
        max_length=200,
        blank=True,
        help_text=_("公開ページに表示します。部署の代表電話など、公開してよい連絡先を書きます。"),
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

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("催し（セミナー・講座）")
        verbose_name_plural = _("催し（セミナー・講座）")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"], name="event_status_starts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("終了日時は開始日時より後にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="event_capacity_positive",
                violation_error_message=_("定員は1人以上にしてください。"),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("outreach:event_detail", args=[self.pk])

    @property
    def is_staff_only(self):
        return self.kind == self.Kind.STAFF_TRAINING

    def may_register(self, user):
        """Who may take a place: anyone for a public event, verified staff for 職員研修."""
        return not self.is_staff_only or is_verified_staff(user)

    @property
    def is_public(self):
        return self.status in self.ANNOUNCED_STATUSES and not self.is_staff_only

    @property
    def registration_deadline(self):
        return self.registration_closes_at or self.starts_at

    def is_open_for_registration(self, now=None):
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and now < self.registration_deadline

    def seats_taken(self):
        if hasattr(self, "confirmed_count"):
            return self.confirmed_count
        return self.registrations.filter(status=Registration.Status.CONFIRMED).count()

    def seats_left(self):
        return max(self.capacity - self.seats_taken(), 0)


class Registration(models.Model):
    """One person's place at an event. Personal data: shown only to the organiser."""

    class Status(models.TextChoices):
        PENDING = "pending", _("メール確認待ち")
        CONFIRMED = "confirmed", _("参加確定")
        WAITLISTED = "waitlisted", _("キャンセル待ち")
        CANCELLED = "cancelled", _("取消")

    ACTIVE_STATUSES = (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED)
    # A guest's confirmation link is valid this long; after that they apply again.
    CONFIRMATION_MAX_AGE = datetime.timedelta(hours=48)

    event = models.ForeignKey(
        Event, verbose_name=_("催し"), on_delete=models.PROTECT, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("利用者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_registrations",
        help_text=_("ログインして申し込んだ人。ログインせずに申し込んだ人は空欄です。"),
    )
    name = models.CharField(_("氏名"), max_length=100)
    email = models.EmailField(_("メールアドレス"))
    organisation = models.CharField(_("所属（団体名など）"), max_length=200, blank=True)
    note = models.TextField(
        _("配慮が必要なことなど"),
        blank=True,
        help_text=_("手話通訳、車いす席、託児など、必要な配慮があればお書きください。"),
    )
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("申込日時"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("参加確定日時"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("キャンセル待ち登録日時"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("参加申込")
        verbose_name_plural = _("参加申込")
        ordering = ["event", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=Q(status__in=["pending", "confirmed", "waitlisted"]),
                name="registration_one_active_per_email",
                violation_error_message=_("このメールアドレスではすでに申し込まれています。"),
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status__in=["pending", "confirmed", "waitlisted"], user__isnull=False),
                name="registration_one_active_per_user",
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="registration_waitlisted_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.event} / {self.name}"

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES

    def confirmation_expired(self, now=None):
        """A guest's request whose emailed link has expired (it confirms nothing any more)."""
        return self.created_at + self.CONFIRMATION_MAX_AGE < (now or timezone.now())

    @property
    def holds_or_awaits_a_place(self):
        """Confirmed or on the waiting list: counted in the seats a public page shows."""
        return self.status in (self.Status.CONFIRMED, self.Status.WAITLISTED)

    @property
    def is_guest(self):
        return self.user_id is None


class NewsItemQuerySet(models.QuerySet):
    def published(self):
        """Items whose publication time has come; drafts and future-dated items stay hidden."""
        return self.filter(published_at__lte=timezone.now())


class NewsItem(models.Model):
    """お知らせ / 広報: written by 県民協働課, visible from its publication time."""

    class Category(models.TextChoices):
        NOTICE = "notice", _("お知らせ")
        PUBLICITY = "publicity", _("広報")

    title = models.CharField(_("見出し"), max_length=200)
    category = models.CharField(
        _("区分"), max_length=20, choices=Category.choices, default=Category.NOTICE
    )
    summary = models.CharField(
        _("要約"), max_length=300, blank=True, help_text=_("一覧とフィードに表示します。")
    )
    body = models.TextField(_("本文"))
    published_at = models.DateTimeField(
        _("公開日時"),
        null=True,
        blank=True,
        help_text=_("この日時から公開します。空欄の間は下書きで、公開されません。"),
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

    objects = NewsItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("お知らせ")
        verbose_name_plural = _("お知らせ")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["-published_at"], name="newsitem_published")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("outreach:news_detail", args=[self.pk])

    @property
    def is_published(self):
        return self.published_at is not None and self.published_at <= timezone.now()


class PromoterContact(models.Model):
    """A public contact of the 県民協働推進員 of one department.

    Only the fields here are published; a promoter's account (and its personal email)
    is never shown: 県民協働課 writes what may be public.
    """

    department = models.ForeignKey(
        "kyodo_portal.Department",
        verbose_name=_("部署（課・現地機関）"),
        on_delete=models.PROTECT,
        related_name="promoter_contacts",
    )
    title = models.CharField(
        _("担当"), max_length=100, default=_("県民協働推進員"), help_text=_("例: 県民協働推進員")
    )
    public_name = models.CharField(
        _("公開する氏名"),
        max_length=100,
        blank=True,
        help_text=_("本人が了承したときだけ書きます。空欄なら氏名は表示しません。"),
    )
    phone = models.CharField(_("電話番号（公開）"), max_length=20, blank=True)
    email = models.EmailField(
        _("メールアドレス（公開）"),
        blank=True,
        help_text=_("部署の代表アドレスなど、公開用のもの。"),
    )
    note = models.CharField(_("備考"), max_length=200, blank=True)
    is_listed = models.BooleanField(
        _("名簿に掲載する"), default=True, help_text=_("外すと公開名簿に表示しません。")
    )
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("県民協働推進員の連絡先")
        verbose_name_plural = _("県民協働推進員の連絡先")
        ordering = [
            "department__parent__sort_order",
            "department__parent__name",
            "department__sort_order",
            "department__name",
            "sort_order",
            "pk",
        ]

    def __str__(self):
        return f"{self.department} {self.title}"

    def clean(self):
        super().clean()
        self.phone = normalise_phone(self.phone)


class MunicipalContact(models.Model):
    """市町協働担当窓口: the collaboration desk of one city or town."""

    municipality = models.OneToOneField(
        "cso_registry.Municipality",
        verbose_name=_("市町"),
        on_delete=models.PROTECT,
        related_name="collaboration_contact",
    )
    section = models.CharField(_("担当課"), max_length=100)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    website = models.URLField(_("ウェブページ"), blank=True)
    note = models.CharField(_("備考"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("市町協働担当窓口")
        verbose_name_plural = _("市町協働担当窓口")
        ordering = ["municipality__code"]

    def __str__(self):
        return f"{self.municipality} {self.section}"

    def clean(self):
        super().clean()
        self.phone = normalise_phone(self.phone)
