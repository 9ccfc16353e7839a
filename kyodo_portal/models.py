import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        """An account whose address is taken as confirmed: created by staff, a command or the
        demo. A person signing up themselves passes ``email_verified_at=None`` and confirms
        it by the emailed link (kyodo_portal/accounts.py)."""
        if not email:
            raise ValueError("メールアドレスは必須です。")
        extra_fields.setdefault("email_verified_at", timezone.now())
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("スーパーユーザーは is_staff と is_superuser が必要です。")
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: a CSO member, a 県民協働推進員 or a 県民協働課 officer.

    People sign in with their email address; staff also belong to one department.
    """

    email = models.EmailField(_("メールアドレス"), unique=True)
    full_name = models.CharField(_("氏名"), max_length=100, blank=True)
    department = models.ForeignKey(
        "kyodo_portal.Department",
        verbose_name=_("所属"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("県職員の所属部署。CSO の方は空欄です。"),
    )
    is_staff = models.BooleanField(
        _("管理画面の利用"),
        default=False,
        help_text=_("県職員として管理画面にログインできるかどうか。"),
    )
    is_active = models.BooleanField(
        _("有効"),
        default=True,
        help_text=_(
            "無効にするとログインできなくなります。アカウントは削除せず無効にしてください。"
        ),
    )
    date_joined = models.DateTimeField(_("登録日時"), default=timezone.now)
    email_verified_at = models.DateTimeField(
        _("メールアドレスの確認日時"),
        null=True,
        blank=True,
        help_text=_("空欄の間は、確認のメールのリンクが開かれるまでログインできません。"),
    )
    closed_at = models.DateTimeField(
        _("退会日時"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("本人が退会した日時。記録に残す氏名のほかの個人情報は消してあります。"),
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("利用者")
        verbose_name_plural = _("利用者")
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    @property
    def email_verified(self):
        return self.email_verified_at is not None

    @property
    def is_closed(self):
        return self.closed_at is not None

    def clean(self):
        super().clean()
        self.email = type(self).objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name or self.email

    @cached_property
    def role_names(self):
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role):
        """Whether the account is in the role's group; what the role allows is decided in
        kyodo_portal/access.py (staff also need the second factor there)."""
        return self.is_active and role in self.role_names


class DepartmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def bureaus(self):
        return self.filter(kind=Department.Kind.BUREAU)

    def units(self):
        """課 and 現地機関: the departments that post themes and receive proposals."""
        return self.exclude(kind=Department.Kind.BUREAU)


class DepartmentManager(models.Manager.from_queryset(DepartmentQuerySet)):
    def get_queryset(self):
        # A department is always shown with its 部 (full_name), in lists and filters alike.
        return super().get_queryset().select_related("parent")


class Department(models.Model):
    """The prefecture's organisation: 部 at the top, 課 and 現地機関 below."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("部・局")
        DIVISION = "division", _("課")
        LOCAL_OFFICE = "local_office", _("現地機関")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上位の部"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    email = models.EmailField(_("代表メールアドレス"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(
        _("現存"), default=True, help_text=_("組織改正で廃止された部署は削除せず、外してください。")
    )

    objects = DepartmentManager()

    class Meta:
        verbose_name = _("部署")
        verbose_name_plural = _("部署")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="department_unique_name_within_parent"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="department_unique_top_level_name",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="bureau", parent__isnull=True)
                    | (~Q(kind="bureau") & Q(parent__isnull=False))
                ),
                name="department_bureau_is_top_level",
                violation_error_message=_("部・局は最上位に、課と現地機関は部の下に置きます。"),
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        if self.parent_id is None:
            return self.name
        return f"{self.parent.name} {self.name}"


class PublicDataVersionQuerySet(models.QuerySet):
    def bump(self):
        """One more version: every page cached for anonymous readers is retired."""
        now = timezone.now()
        updated = self.filter(pk=PublicDataVersion.SINGLETON).update(
            number=models.F("number") + 1, changed_at=now
        )
        if not updated:
            self.get_or_create(pk=PublicDataVersion.SINGLETON, defaults={"changed_at": now})


class PublicDataVersion(models.Model):
    """The version of everything public pages show (kyodo_portal/page_cache.py): one row."""

    SINGLETON = 1

    number = models.PositiveBigIntegerField(_("版"), default=1)
    changed_at = models.DateTimeField(_("最終変更日時"), default=timezone.now)

    objects = PublicDataVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("公開データの版")
        verbose_name_plural = _("公開データの版")

    def __str__(self):
        return f"{self.number}"


class UploadedFile(models.Model):
    """What every uploaded file records (abstract): its name as uploaded, size, who and when.
    The concrete model adds ``file`` with its own folder (``kyodo_portal.uploads``) and what
    the file belongs to."""

    original_name = models.CharField(_("ファイル名"), max_length=200)
    size = models.PositiveIntegerField(_("サイズ（バイト）"))
    uploaded_by = models.ForeignKey(
        "kyodo_portal.User",
        verbose_name=_("登録した人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    @classmethod
    def create_from_upload(cls, *, file, by, **owner):
        """Store an uploaded (already validated) file under a generated name."""
        return cls.objects.create(
            file=file, original_name=file.name[:200], size=file.size, uploaded_by=by, **owner
        )


class HistoryRecord(models.Model):
    """One step in the history of a record (abstract): who took it, when, and why.

    The concrete model adds what the step belongs to and what it did: an ``action``, the state
    it moved from and to (``status_fields``), the fields it changed. Only the services write
    it; both sides read it, staff in ``kyodo_portal.admin_site.HistoryInline``."""

    by = models.ForeignKey(
        "kyodo_portal.User",
        verbose_name=_("操作した人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("コメント"), blank=True)
    at = models.DateTimeField(_("日時"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self):
        if hasattr(self, "action"):
            return self.get_action_display()
        return self.status_change

    @staticmethod
    def status_fields(choices, *, max_length=20, to_required=False):
        """The 変更前 and 変更後 fields of a history whose steps move a record between the
        states in ``choices``: ``from_status, to_status = HistoryRecord.status_fields(...)``.
        変更前 is empty for the first step; 変更後 for a step that moves nothing, unless
        ``to_required``."""
        return (
            models.CharField(_("変更前"), max_length=max_length, choices=choices, blank=True),
            models.CharField(
                _("変更後"), max_length=max_length, choices=choices, blank=not to_required
            ),
        )

    @property
    def moves_status(self):
        """Whether the step moved the record from one state to another."""
        return bool(self.from_status and self.to_status and self.from_status != self.to_status)

    @property
    def status_change(self):
        """変更前 → 変更後 by their labels; the state alone for the first step."""
        if not self.from_status:
            return self.get_to_status_display()
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

    def by_label(self):
        """Who took the step, as a history shows it: システム for a command or a job."""
        return str(self.by) if self.by_id is not None else str(_("システム"))


class AccountSession(models.Model):
    """A signed-in session of a person, as they see it on /my/account/ (device, address, since
    when) and end it. Recorded at login, removed at logout or when ended; the session itself
    is Django's."""

    user = models.ForeignKey(
        "kyodo_portal.User",
        verbose_name=_("利用者"),
        on_delete=models.CASCADE,
        related_name="account_sessions",
    )
    session_key = models.CharField(_("セッション"), max_length=40, unique=True)
    ip_address = models.GenericIPAddressField(_("IP アドレス"), null=True, blank=True)
    user_agent = models.CharField(_("ブラウザー"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("ログイン日時"), default=timezone.now)

    class Meta:
        verbose_name = _("ログイン中のセッション")
        verbose_name_plural = _("ログイン中のセッション")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class PersonalDataAccess(models.Model):
    """A member of staff opened or exported personal data (a participant list, a CSO sheet with
    contact data the CSO did not publish, survey answers): who, when, what and how many rows.
    県民協働課 reads and exports the log in the admin; nobody edits or deletes it."""

    user = models.ForeignKey(
        "kyodo_portal.User",
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)
    what = models.CharField(_("内容"), max_length=200)
    rows = models.PositiveIntegerField(_("件数"), default=0)
    path = models.CharField(_("画面"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("個人情報の閲覧・出力の記録")
        verbose_name_plural = _("個人情報の閲覧・出力の記録")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.what}"


class OutgoingMailQuerySet(models.QuerySet):
    def due(self, now):
        """Waiting mail whose next try is due."""
        return self.filter(status=OutgoingMail.Status.PENDING, next_attempt_at__lte=now)

    def stuck(self, before):
        """Mail claimed by a sender that never reported back (its process died)."""
        return self.filter(status=OutgoingMail.Status.SENDING, claimed_at__lt=before)


class OutgoingMail(models.Model):
    """A mail the portal sends (kyodo_portal/outbox.py): recorded in the transaction of the action
    that causes it, sent by a task once that transaction commits, tried again with growing pauses
    when the mail server refuses, and after the last try left 送信失敗 for 県民協働課 to resend."""

    class Status(models.TextChoices):
        PENDING = "pending", _("送信待ち")
        SENDING = "sending", _("送信中")
        SENT = "sent", _("送信済み")
        FAILED = "failed", _("送信失敗")

    to = models.EmailField(_("宛先"), max_length=254)
    subject = models.CharField(_("件名"), max_length=300)
    body = models.TextField(_("本文"))
    template = models.CharField(_("種類"), max_length=100, blank=True, db_index=True)
    # What the mail is about, for the app that sent it (a CSO's reminder: "cso:<id>:<date>").
    reference = models.CharField(_("対象"), max_length=100, blank=True, db_index=True)
    # The body holds a link that signs someone in or changes their account: not shown in the
    # admin, and blanked once sent.
    holds_secret_link = models.BooleanField(_("本文にログイン用のリンク"), default=False)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    last_error = models.TextField(_("最後のエラー"), blank=True)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(_("次の試行"), default=timezone.now)
    claimed_at = models.DateTimeField(_("送信を始めた日時"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("最後の試行"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        verbose_name = _("送信メール")
        verbose_name_plural = _("送信メール")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outgoingmail_due_idx")]

    def __str__(self):
        return f"{self.to} {self.subject}"


class BackgroundJob(models.Model):
    """Long work a person started from a page (an import, an export), run by a task; the page
    shows its progress and then its result (kyodo_portal/jobs.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("順番待ち")
        RUNNING = "running", _("実行中")
        SUCCEEDED = "succeeded", _("完了")
        FAILED = "failed", _("失敗")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("種類"), max_length=50, db_index=True)
    created_by = models.ForeignKey(
        "kyodo_portal.User",
        verbose_name=_("開始した人"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # The uploaded file, until the job has read it (cleared when it finishes).
    input_name = models.CharField(_("ファイル名"), max_length=255, blank=True)
    input_data = models.BinaryField(_("ファイル"), null=True, blank=True)
    options = models.JSONField(_("指定"), default=dict, blank=True)
    stage = models.CharField(_("段階"), max_length=100, blank=True)
    done = models.PositiveIntegerField(_("処理済み"), default=0)
    total = models.PositiveIntegerField(_("全体"), default=0)
    result = models.JSONField(_("結果"), null=True, blank=True)
    error = models.TextField(_("エラー"), blank=True)
    task_result_id = models.CharField(_("タスク"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("バックグラウンドの処理")
        verbose_name_plural = _("バックグラウンドの処理")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self):
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self):
        if self.is_finished:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class TaskWorker(models.Model):
    """A running `manage.py db_worker` process, as it last said it was alive
    (kyodo_portal/workers.py): a task it left running when it went silent is queued again."""

    worker_id = models.CharField(_("ワーカー"), max_length=64, primary_key=True)
    host = models.CharField(_("ホスト"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("プロセス番号"), null=True, blank=True)
    started_at = models.DateTimeField(_("起動日時"), default=timezone.now)
    seen_at = models.DateTimeField(_("最後の応答"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("タスクのワーカー")
        verbose_name_plural = _("タスクのワーカー")

    def __str__(self):
        return f"{self.host}:{self.pid} ({self.worker_id})"


class PublishedFile(models.Model):
    """A file written once to storage and served as it is (the nightly open data,
    kyodo_portal/published_files.py): where it is, its ETag and when it was written."""

    name = models.CharField(_("名前"), max_length=100, unique=True)
    storage_name = models.CharField(_("保存先"), max_length=255)
    etag = models.CharField(_("ETag"), max_length=80)
    size = models.PositiveBigIntegerField(_("大きさ"), default=0)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    written_at = models.DateTimeField(_("作成日時"))

    class Meta:
        verbose_name = _("公開ファイル")
        verbose_name_plural = _("公開ファイル")

    def __str__(self):
        return self.name
