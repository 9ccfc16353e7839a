"""Who may do what with proposals and agreements: the one place views, the admin, services,
querysets, feeds and templates ask.

Proposals have two sides. The CSO side: active members (管理者 or メンバー) of the proposal's
CSO (cso_registry/access.py). The prefecture side: a 県民協働推進員 of the department the
proposal is addressed to, or 県民協働課 for every department (kyodo_portal/access.py); drafts
stay with the CSO unless it opened 事前相談.

Agreements: the department's side as for proposals. The CSO side is the active members of a
party: a CSO of the version in force (or of the first draft before 締結). A CSO dropped by an
amendment, or named only in a withdrawn one, is no party any more; a CSO proposed as a party
by an open amendment reads and confirms that amendment only (``is_proposed_party``).
"""

from cso_registry.access import is_cso_member, member_csos
from cso_registry.models import CSO, Membership
from kyodo_portal.access import is_department_staff, is_signed_in

# --- proposals ------------------------------------------------------------------------------


def writable_csos(user):
    """The CSOs the user may write proposals for."""
    return member_csos(user)


def is_proposal_member(user, proposal):
    """An active member of the proposal's CSO."""
    return is_cso_member(user, proposal.cso_id)


def can_handle_proposal(user, proposal):
    """A staff member of the proposal's department (or 県民協働課), once the CSO let the
    prefecture see it (submitted, or a draft with 事前相談)."""
    return is_department_staff(user, proposal.department_id) and proposal.is_seen_by_prefecture


def can_view_proposal(user, proposal):
    return is_proposal_member(user, proposal) or can_handle_proposal(user, proposal)


def can_view_attachment(user, attachment):
    """Staff handling the proposal see every file; the CSO its own and the shared ones."""
    if can_handle_proposal(user, attachment.proposal):
        return True
    if attachment.is_removed or attachment.is_internal:
        return False
    return is_proposal_member(user, attachment.proposal)


def can_manage_theme(user, theme):
    return is_department_staff(user, theme.department_id)


# --- agreements ------------------------------------------------------------------------------


def can_handle_agreement(user, agreement):
    """The department's 推進員 or 県民協働課: drafts, asks for confirmation, concludes."""
    return is_department_staff(user, agreement.department_id)


def party_csos(agreement):
    """The agreement's parties: the CSOs of the version in force (or of the first draft)."""
    return CSO.objects.filter(agreement_parties__version_id=agreement.current_version_id)


def is_agreement_party(user, agreement):
    """An active member (管理者 or メンバー) of a party CSO."""
    return member_csos(user).filter(pk__in=party_csos(agreement).values("pk")).exists()


def is_proposed_party(user, agreement):
    """A member of a CSO named by the open amendment only (not a party of the version in
    force): they read and confirm that amendment and nothing else of the agreement."""
    version = agreement.pending_version()
    if version is None or is_agreement_party(user, agreement):
        return False
    return member_csos(user).filter(agreement_parties__version=version).exists()


def can_read_version(user, version):
    """Parties read every version (変更前 ones too); a proposed party the open amendment."""
    agreement = version.agreement
    if can_handle_agreement(user, agreement) or is_agreement_party(user, agreement):
        return True
    return version.is_open and version.is_amendment and is_proposed_party(user, agreement)


def can_view_agreement(user, agreement):
    return can_handle_agreement(user, agreement) or is_agreement_party(user, agreement)


def admin_party(user, version):
    """The party of ``version`` whose 管理者 the user is (None if none): who may confirm."""
    if not is_signed_in(user):
        return None
    admin_of = Membership.objects.admins().filter(user=user).values("cso_id")
    return version.parties.filter(cso_id__in=admin_of).select_related("cso").first()
