"""What a person submitted or did in evaluations (振り返り), in "download my data", and what
closing their account keeps of it (accounts/personal_data.py; registered in
EvaluationsConfig.ready()). Closing changes nothing here: the evaluation is the record of the
collaboration, and each step names who took it.

A draft is saved by anyone of its side and not recorded per person, so the export holds the
parts the person submitted and the steps they took.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.personal_data import (
    ACTION,
    ClosingStep,
    Section,
    history_section,
    register_closing_step,
    register_export_section,
)
from evaluations.models import PRINCIPLES, EvaluationPart, EvaluationTransition

EVALUATION = ("evaluation__agreement__current_version", "evaluation__agreement__proposal")

KEPT = ClosingStep(
    key="evaluations.records",
    keeps=(
        (
            gettext_lazy("振り返り"),
            gettext_lazy(
                "あなたが提出した振り返りの記入と、今後の方針の提案・合意の記録は、"
                "氏名とともに残ります。"
            ),
        ),
    ),
)


def _evaluation_label(evaluation):
    return f"{evaluation.agreement.title}（{evaluation.label}）"


def evaluation_parts(user):
    parts = (
        EvaluationPart.objects.filter(submitted_by=user)
        .select_related(*EVALUATION)
        .order_by("submitted_at", "pk")
    )
    columns = {
        "submitted_at": _("提出した日時"),
        "evaluation": _("振り返り"),
        "side": _("記入した側"),
        "outcomes": _("共有した目標に対する成果"),
    }
    for key, label in PRINCIPLES:
        columns[f"{key}_rating"] = _("%(principle)s（5段階）") % {"principle": label}
        columns[f"{key}_comment"] = _("%(principle)s（コメント）") % {"principle": label}
    columns.update(
        went_well=_("うまくいったこと"),
        problems=_("課題・問題点"),
        lessons=_("次に生かすこと（教訓）"),
    )
    rows = []
    for part in parts:
        row = {
            "submitted_at": part.submitted_at,
            "evaluation": _evaluation_label(part.evaluation),
            "side": part.get_side_display(),
        }
        row.update({name: getattr(part, name) for name in EvaluationPart.CONTENT_FIELDS})
        rows.append(row)
    return Section(
        key="evaluation_parts",
        title=_("提出した振り返り"),
        note=_("下書きはだれが保存したかを記録していないため、提出したものだけです。"),
        columns=columns,
        rows=rows,
    )


def evaluation_steps(user):
    return history_section(
        EvaluationTransition.objects.filter(by=user).select_related(*EVALUATION),
        key="evaluation_steps",
        title=_("振り返りの操作（提出・方針の提案と合意など）"),
        columns={
            "evaluation": (_("振り返り"), lambda step: _evaluation_label(step.evaluation)),
            **ACTION,
        },
        comment_label=_("コメント・理由"),
    )


def register():
    register_closing_step(KEPT)
    register_export_section(evaluation_parts)
    register_export_section(evaluation_steps)
