"""Evaluations (振り返り): both sides of a collaboration look back on it together.

An ``Evaluation`` belongs to an agreement: the final one (at 完了) or an interim one for a fiscal
year (while 実施中). It has two ``EvaluationPart`` rows, the CSO's and the prefecture's, written
on the same criteria. Neither side may read the other's part until both have submitted theirs
(``Evaluation.parts_revealed``); every page, the admin and every email ask that.

Lifecycle: 作成中 → 公開 (by 県民協働課, once both parts are in and, for a final evaluation, the
continuation decision is agreed); 公開 can be withdrawn by 県民協働課 with a reason (back to 作成中),
after which 県民協働課 may reopen it: both parts go back to drafts for the sides to correct.
The continuation decision (継続 / 見直して継続 / 終了) is agreed by both sides: one proposes it,
the other confirms it. 継続 and 見直して継続 let the CSO start a follow-up proposal, linked both
ways (``Evaluation.follow_up_proposal`` and ``proposal.source_evaluation``).
"""

from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo_portal.access import scope_to_department
from kyodo_portal.models import HistoryRecord
from kyodo_portal.wareki import fiscal_year, fiscal_year_label

PRINCIPLES = (
    ("equality", _("対等な関係")),
    ("understanding", _("相互理解")),
    ("shared_goal", _("目的の共有と明確化")),
    ("disclosure", _("情報公開と守秘義務")),
)
RATING_CHOICES = [(value, str(value)) for value in range(1, 6)]


class Side(models.TextChoices):
    CSO = "cso", _("団体（CSO）")
    PREFECTURE = "prefecture", _("県")


class Decision(models.TextChoices):
    CONTINUE = "continue", _("継続")
    REVISE = "revise", _("見直して継続")
    END = "end", _("終了")


FOLLOW_UP_DECISIONS = (Decision.CONTINUE, Decision.REVISE)


class EvaluationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Evaluation.Status.PUBLISHED)

    def for_staff(self, user):
        """The evaluations a staff member handles: their department's, or all for 県民協働課."""
        return scope_to_department(self, user, field="agreement__department_id")

    def of_cso_member(self, user):
        """Evaluations of the agreements the user's CSOs are parties to (the version in force):
        ``Agreement.objects.of_party_member`` read through the evaluation's own agreement."""
        from cso_registry.access import member_cso_ids
        from proposals.models import AgreementParty

        parties = AgreementParty.objects.filter(cso__in=member_cso_ids(user))
        return self.filter(agreement__current_version__in=parties.values("version"))

    def of_cso(self, cso):
        from proposals.models import Agreement

        return self.filter(agreement__in=Agreement.objects.of_cso(cso))

    def with_submission_counts(self):
        # A subquery per row rather than a join and GROUP BY: with the GROUP BY, the database
        # joined every evaluation's parts before keeping the member's (2 s at national scale).
        submitted = (
            EvaluationPart.objects.filter(evaluation=OuterRef("pk"), submitted_at__isnull=False)
            .order_by()
            .values("evaluation")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(submitted_parts=Coalesce(Subquery(submitted), 0))

    def for_listing(self):
        from proposals.models import AgreementParty

        return self.select_related(
            "agreement__current_version", "agreement__department__parent"
        ).prefetch_related(
            Prefetch(
                "agreement__current_version__parties",
                queryset=AgreementParty.objects.select_related("cso").order_by("-is_lead", "pk"),
            ),
            "agreement__current_version__activity_fields",
        )


class Evaluation(models.Model):
    class Kind(models.TextChoices):
        FINAL = "final", _("完了時の振り返り")
        INTERIM = "interim", _("年度ごとの中間の振り返り")

    class Status(models.TextChoices):
        DRAFT = "draft", _("作成中")
        PUBLISHED = "published", _("公開")

    agreement = models.ForeignKey(
        "proposals.Agreement",
        verbose_name=_("協定"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices, default=Kind.FINAL)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )

    decision = models.CharField(
        _("今後の方針"), max_length=10, choices=Decision.choices, blank=True
    )
    change_content = models.TextField(_("見直す点（事業の内容）"), blank=True)
    change_partner = models.TextField(_("見直す点（協働の相手）"), blank=True)
    change_form = models.TextField(_("見直す点（協働の形態）"), blank=True)
    decision_proposed_by_side = models.CharField(
        _("方針を提案した側"), max_length=10, choices=Side.choices, blank=True
    )
    decision_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("方針を提案した人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_proposed_at = models.DateTimeField(_("方針の提案日時"), null=True, blank=True)
    decision_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("方針を確認した人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_confirmed_at = models.DateTimeField(_("方針の合意日時"), null=True, blank=True)

    follow_up_proposal = models.OneToOneField(
        "proposals.Proposal",
        verbose_name=_("次の提案（継続の提案）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="source_evaluation",
    )
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("振り返り")
        verbose_name_plural = _("振り返り")
        ordering = ["-fiscal_year", "-id"]
        # The admin's list in this order: a range scan of 50 rows, not a sort of all of them.
        indexes = [models.Index(fields=["-fiscal_year", "-id"], name="evaluation_year_order_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(kind="final"),
                name="evaluation_one_final_per_agreement",
                violation_error_message=_("この協定の完了時の振り返りは、すでにあります。"),
            ),
            models.UniqueConstraint(
                fields=["agreement", "fiscal_year"],
                condition=Q(kind="interim"),
                name="evaluation_one_interim_per_year",
                violation_error_message=_("この年度の中間の振り返りは、すでにあります。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="evaluation_published_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.agreement.title}（{self.label}）"

    def get_absolute_url(self):
        return reverse("evaluations:detail", args=[self.pk])

    def get_member_url(self):
        return reverse("evaluations:my_detail", args=[self.pk])

    @property
    def label(self):
        if self.kind == self.Kind.INTERIM:
            return _("%(year)sの中間の振り返り") % {"year": fiscal_year_label(self.fiscal_year)}
        return str(_("完了時の振り返り"))

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @classmethod
    def kinds_by_agreement_status(cls):
        """Which kind of evaluation an agreement's state lets its parties start: the final one
        once it is 完了, the interim one of the fiscal year while it is 実施中, none before."""
        from proposals.models import Agreement

        return {
            Agreement.Status.COMPLETED: cls.Kind.FINAL,
            Agreement.Status.IN_PROGRESS: cls.Kind.INTERIM,
        }

    @classmethod
    def kind_to_start(cls, agreement):
        """The kind of evaluation ``agreement`` may start now, or None (whether one of that kind
        exists already is ``evaluable_agreements``' and the service's question)."""
        return cls.kinds_by_agreement_status().get(agreement.status)

    @property
    def decision_agreed(self):
        return bool(self.decision) and self.decision_confirmed_at is not None

    @property
    def offers_follow_up(self):
        return self.decision_agreed and self.decision in FOLLOW_UP_DECISIONS

    def part(self, side):
        for part in self.parts.all():
            if part.side == side:
                return part
        return None

    @property
    def cso_part(self):
        return self.part(Side.CSO)

    @property
    def prefecture_part(self):
        return self.part(Side.PREFECTURE)

    @property
    def parts_revealed(self):
        """True once both parts are submitted: only then may either side read the other's."""
        parts = list(self.parts.all())
        return len(parts) == 2 and all(part.is_submitted for part in parts)

    def visible_part(self, side, viewer_side):
        """The part of ``side`` as ``viewer_side`` may see it (None while hidden)."""
        if side == viewer_side or self.parts_revealed:
            return self.part(side)
        return None

    @property
    def is_withdrawn(self):
        """Back in 作成中 because 県民協働課 withdrew the publication, and not reopened since:
        both parts are still submitted, so only publishing again or reopening is possible."""
        if self.status != self.Status.DRAFT:
            return False
        last = (
            self.transitions.filter(
                action__in=[
                    EvaluationTransition.Action.PUBLISHED,
                    EvaluationTransition.Action.WITHDRAWN,
                    EvaluationTransition.Action.REOPENED,
                ]
            )
            .order_by("-at", "-id")
            .values_list("action", flat=True)
            .first()
        )
        return last == EvaluationTransition.Action.WITHDRAWN

    def missing_for_publication(self):
        missing = []
        for side in Side:
            part = self.part(side)
            if part is None or not part.is_submitted:
                missing.append(_("%(side)sの振り返りの提出") % {"side": side.label})
        if self.kind == self.Kind.FINAL and not self.decision_agreed:
            missing.append(_("今後の方針（継続・見直して継続・終了）の合意"))
        return missing


class EvaluationPart(models.Model):
    """One side's part of an evaluation, on the criteria both sides share."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("振り返り"), on_delete=models.CASCADE, related_name="parts"
    )
    side = models.CharField(_("記入する側"), max_length=10, choices=Side.choices)
    outcomes = models.TextField(_("共有した目標に対する成果"), blank=True)
    equality_rating = models.PositiveSmallIntegerField(
        _("対等な関係（5段階）"), choices=RATING_CHOICES, null=True, blank=True
    )
    equality_comment = models.TextField(_("対等な関係（コメント）"), blank=True)
    understanding_rating = models.PositiveSmallIntegerField(
        _("相互理解（5段階）"), choices=RATING_CHOICES, null=True, blank=True
    )
    understanding_comment = models.TextField(_("相互理解（コメント）"), blank=True)
    shared_goal_rating = models.PositiveSmallIntegerField(
        _("目的の共有と明確化（5段階）"), choices=RATING_CHOICES, null=True, blank=True
    )
    shared_goal_comment = models.TextField(_("目的の共有と明確化（コメント）"), blank=True)
    disclosure_rating = models.PositiveSmallIntegerField(
        _("情報公開と守秘義務（5段階）"), choices=RATING_CHOICES, null=True, blank=True
    )
    disclosure_comment = models.TextField(_("情報公開と守秘義務（コメント）"), blank=True)
    went_well = models.TextField(_("うまくいったこと"), blank=True)
    problems = models.TextField(_("課題・問題点"), blank=True)
    lessons = models.TextField(_("次に生かすこと（教訓）"), blank=True)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出した人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    version = models.PositiveIntegerField(
        _("版"),
        default=1,
        editable=False,
        help_text=_(
            "下書きを保存するたびに1つ増えます。二人が同時に編集したときの上書きを防ぎます。"
        ),
    )

    TEXT_FIELDS = (
        "outcomes",
        "equality_comment",
        "understanding_comment",
        "shared_goal_comment",
        "disclosure_comment",
        "went_well",
        "problems",
        "lessons",
    )
    RATING_FIELDS = tuple(f"{key}_rating" for key, _label in PRINCIPLES)
    CONTENT_FIELDS = (
        "outcomes",
        *[name for key, _label in PRINCIPLES for name in (f"{key}_rating", f"{key}_comment")],
        "went_well",
        "problems",
        "lessons",
    )

    class Meta:
        verbose_name = _("振り返りの記入（各側）")
        verbose_name_plural = _("振り返りの記入（各側）")
        ordering = ["evaluation", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "side"], name="evaluationpart_one_per_side"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True})
                    | Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"evaluationpart_{name}_range",
                )
                for name in (
                    "equality_rating",
                    "understanding_rating",
                    "shared_goal_rating",
                    "disclosure_rating",
                )
            ],
        ]

    def __str__(self):
        return f"{self.evaluation}・{self.get_side_display()}"

    @property
    def is_submitted(self):
        return self.submitted_at is not None

    def principles(self):
        """[(label, rating, comment)] in the guideline's order."""
        return [
            (label, getattr(self, f"{key}_rating"), getattr(self, f"{key}_comment"))
            for key, label in PRINCIPLES
        ]

    def missing_items(self):
        missing = []
        for name in ("outcomes", *self.RATING_FIELDS, "went_well", "problems", "lessons"):
            value = getattr(self, name)
            if value is None or (isinstance(value, str) and not value.strip()):
                missing.append(str(self._meta.get_field(name).verbose_name))
        return missing


class EvaluationTransition(HistoryRecord):
    """The history of an evaluation: who did what, when, and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("振り返りの開始")
        PART_SUBMITTED = "part_submitted", _("記入の提出")
        DECISION_PROPOSED = "decision_proposed", _("今後の方針の提案")
        DECISION_CONFIRMED = "decision_confirmed", _("今後の方針の合意")
        PUBLISHED = "published", _("公開")
        WITHDRAWN = "withdrawn", _("公開の取り下げ")
        REOPENED = "reopened", _("記入のやり直し（取り下げの後）")
        FOLLOW_UP_CREATED = "follow_up_created", _("次の提案の作成")

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("振り返り"), on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("操作"), max_length=30, choices=Action.choices)
    from_status, to_status = HistoryRecord.status_fields(Evaluation.Status.choices, max_length=10)
    side = models.CharField(_("操作した側"), max_length=10, choices=Side.choices)
    comment = models.TextField(_("コメント・理由"), blank=True)

    class Meta(HistoryRecord.Meta):
        verbose_name = _("振り返りの履歴")
        verbose_name_plural = _("振り返りの履歴")


def evaluable_agreements(queryset, today=None):
    """Agreements of ``queryset`` that may get an evaluation now, each with the kind it may start
    as ``evaluation_kind`` (``Evaluation.kind_to_start``): 完了 without a final one, or 実施中
    without an interim one for the current fiscal year."""
    year = fiscal_year(today or timezone.localdate())
    existing = {
        Evaluation.Kind.FINAL: Evaluation.objects.filter(
            agreement=OuterRef("pk"), kind=Evaluation.Kind.FINAL
        ),
        Evaluation.Kind.INTERIM: Evaluation.objects.filter(
            agreement=OuterRef("pk"), kind=Evaluation.Kind.INTERIM, fiscal_year=year
        ),
    }
    kinds = Evaluation.kinds_by_agreement_status()
    startable = Q()
    for status, kind in kinds.items():
        startable |= Q(status=status) & ~Exists(existing[kind])
    return queryset.filter(startable).annotate(
        evaluation_kind=Case(
            *(When(status=status, then=Value(kind)) for status, kind in kinds.items()),
            output_field=CharField(),
        )
    )
