"""Who may do what with proposals: the one place views, admin and services ask.

Two sides. The CSO side: active members (管理者 or メンバー) of the proposal's CSO.
The prefecture side: a 県民協働推進員 of the department the proposal is addressed to, or
県民協働課 for every department; drafts stay with the CSO unless it opened 事前相談.
"""

from cso_registry.models import CSO, Membership


def writable_csos(user):
    """The CSOs the user may write proposals for."""
    return CSO.objects.of_member(user)


def is_cso_member(user, proposal):
    if not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(
        user=user,
        cso_id=proposal.cso_id,
        status=Membership.Status.ACTIVE,
        role__in=[Membership.Role.ADMIN, Membership.Role.MEMBER],
    ).exists()


def is_department_staff(user, department_id):
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    if user.is_coordinator:
        return True
    return user.is_promoter and user.department_id == department_id


def can_handle_as_staff(user, proposal):
    """A staff member of the proposal's department (or 県民協働課), once the CSO let the
    prefecture see it (submitted, or a draft with 事前相談)."""
    if not is_department_staff(user, proposal.department_id):
        return False
    if proposal.status == proposal.Status.DRAFT:
        return proposal.pre_consultation_opened_at is not None
    return True


def can_view(user, proposal):
    return is_cso_member(user, proposal) or can_handle_as_staff(user, proposal)


def can_view_attachment(user, attachment):
    proposal = attachment.proposal
    if can_handle_as_staff(user, proposal):
        return True
    if attachment.is_removed or attachment.is_internal:
        return False
    return is_cso_member(user, proposal)


def can_manage_theme(user, theme):
    return is_department_staff(user, theme.department_id)
