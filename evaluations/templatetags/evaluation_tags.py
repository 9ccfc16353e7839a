from django import template
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from evaluations.models import Evaluation, EvaluationPart, Side
from kyodo_portal.access import is_signed_in, is_verified_staff

register = template.Library()


@register.inclusion_tag("evaluations/includes/_my_section.html", takes_context=True)
def my_evaluations_section(context):
    """The /my/ landing's evaluations of the user's CSOs and what waits for the CSO (two
    queries). Only the state of each part is read here, never the other side's content."""
    user = context["user"]
    if not is_signed_in(user) or is_verified_staff(user):
        return {"evaluations": [], "show": False}
    evaluations = list(
        Evaluation.objects.of_cso_member(user)
        .select_related("agreement__current_version")
        .prefetch_related(
            Prefetch(
                "parts",
                queryset=EvaluationPart.objects.only("id", "evaluation_id", "side", "submitted_at"),
            )
        )
        .order_by("-updated_at", "-pk")[:10]
    )
    return {"evaluations": evaluations, "show": True}


@register.simple_tag
def cso_waiting(evaluation):
    """What waits for the CSO side on this evaluation, in words (or "")."""
    own = evaluation.part(Side.CSO)
    if own is not None and not own.is_submitted:
        return _("団体の記入を待っています")
    if not evaluation.parts_revealed or evaluation.decision_agreed:
        return ""
    if not evaluation.decision:
        return _("今後の方針の話し合いを待っています")
    if evaluation.decision_proposed_by_side == Side.PREFECTURE:
        return _("県が提案した方針への合意を待っています")
    return ""
