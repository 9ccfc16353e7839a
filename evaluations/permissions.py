"""Who may act on an evaluation, and on which side.

The CSO side: active members (管理者 or メンバー) of a CSO that is a party to the agreement.
The prefecture side: a 県民協働推進員 of the agreement's department, or 県民協働課 (all
departments). Publication and its withdrawal: 県民協働課 only.
"""

from cso_registry.models import CSO
from evaluations.models import Side
from proposals.models import Agreement, AgreementParty
from proposals.permissions import is_department_staff


def is_cso_side(user, agreement):
    if not user.is_authenticated or not user.is_active:
        return False
    return AgreementParty.objects.filter(
        version__agreement=agreement, cso__in=CSO.objects.of_member(user)
    ).exists()


def is_prefecture_side(user, agreement):
    return is_department_staff(user, agreement.department_id)


def side_of(user, agreement):
    """The side the user acts for on this agreement, or None."""
    if is_prefecture_side(user, agreement):
        return Side.PREFECTURE
    if is_cso_side(user, agreement):
        return Side.CSO
    return None


def can_publish(user):
    return user.is_authenticated and user.is_active and user.is_staff and user.is_coordinator


def member_csos_of(user, agreement):
    """The user's CSOs that are parties to the agreement (the lead first)."""
    return (
        CSO.objects.of_member(user)
        .filter(agreement_parties__version__agreement=agreement)
        .distinct()
    )


__all__ = ["Agreement", "can_publish", "is_cso_side", "is_prefecture_side", "side_of"]
