"""Who may act on an evaluation, and on which side.

The CSO side: active members (管理者 or メンバー) of a CSO that is a party to the agreement
(proposals/access.py). The prefecture side: a 県民協働推進員 of the agreement's department, or
県民協働課 (all departments). Publication and its withdrawal: 県民協働課 only.
"""

from django.db.models import Exists, OuterRef

from cso_registry.access import member_csos
from evaluations.models import Side
from kyodo_portal.access import is_coordinator
from proposals.access import can_handle_agreement, is_agreement_party, party_csos
from proposals.models import AgreementParty


def is_cso_side(user, agreement):
    return is_agreement_party(user, agreement)


def is_prefecture_side(user, agreement):
    return can_handle_agreement(user, agreement)


def side_of(user, agreement):
    """The side the user acts for on this agreement, or None."""
    if is_prefecture_side(user, agreement):
        return Side.PREFECTURE
    if is_cso_side(user, agreement):
        return Side.CSO
    return None


def can_publish(user):
    """Publication and its withdrawal: 県民協働課."""
    return is_coordinator(user)


def member_csos_of(user, agreement):
    """The user's CSOs that are parties to the agreement (the lead first)."""
    lead = AgreementParty.objects.filter(
        version_id=agreement.current_version_id, cso=OuterRef("pk"), is_lead=True
    )
    return (
        member_csos(user)
        .filter(pk__in=party_csos(agreement).values("pk"))
        .annotate(is_lead=Exists(lead))
        .order_by("-is_lead", "pk")
    )
