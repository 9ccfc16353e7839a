"""The access modules (kyodo_portal/access.py, cso_registry/access.py): each rule once, and the
cases where the old copies disagreed."""

import pytest

from cso_registry import access as cso_access
from cso_registry.models import CSO, Membership
from kyodo_portal import access
from proposals.models import Proposal
from tests.factories import CSOFactory, MembershipFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_with_a_department_but_no_promoter_role_handle_nothing_of_it(department):
    clerk = UserFactory(is_staff=True, department=department)
    ProposalFactory(department=department, status=Proposal.Status.SUBMITTED)

    assert not access.is_department_staff(clerk, department.pk)
    assert not Proposal.objects.for_staff(clerk).exists()
    assert not access.staff_units(clerk).exists()


def test_a_promoter_handles_their_own_department_only(promoter, department):
    other = ProposalFactory(status=Proposal.Status.SUBMITTED)
    mine = ProposalFactory(department=department, status=Proposal.Status.SUBMITTED)

    assert list(Proposal.objects.for_staff(promoter)) == [mine]
    assert access.is_department_staff(promoter, department.pk)
    assert not access.is_department_staff(promoter, other.department_id)


def test_a_coordinator_handles_every_department(coordinator):
    ProposalFactory(status=Proposal.Status.SUBMITTED)
    ProposalFactory(status=Proposal.Status.SUBMITTED)

    assert Proposal.objects.for_staff(coordinator).count() == 2


def test_a_deactivated_staff_account_is_nobody(promoter, department):
    promoter.is_active = False

    assert not access.is_verified_staff(promoter)
    assert not access.is_department_staff(promoter, department.pk)
    assert not access.is_department_staff_account(promoter, department.pk)


def test_the_second_factor_counts_only_for_the_session_not_for_the_account(
    promoter, department, settings
):
    settings.OTP_REQUIRED_FOR_STAFF = True

    assert access.needs_second_factor(promoter)
    assert not access.is_department_staff(promoter, department.pk)
    # Reviewers and mail recipients are chosen by what the account is.
    assert access.is_department_staff_account(promoter, department.pk)
    assert access.is_department_staff(access.trust_command_line_user(promoter), department.pk)


def test_a_membership_of_a_deactivated_account_makes_nobody_a_member():
    membership = MembershipFactory(role=Membership.Role.ADMIN)
    user = membership.user
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert not Membership.objects.active().filter(pk=membership.pk).exists()
    assert not CSO.objects.administered_by(user).exists()
    assert cso_access.member_addresses([membership.cso]) == []
    assert list(membership.cso.admins()) == []


def test_a_requested_membership_is_not_a_member():
    membership = MembershipFactory(status=Membership.Status.REQUESTED)

    assert not cso_access.is_cso_member(membership.user, membership.cso)
    assert not cso_access.member_csos(membership.user).exists()


def test_a_member_is_not_an_admin():
    membership = MembershipFactory(role=Membership.Role.MEMBER)

    assert cso_access.is_cso_member(membership.user, membership.cso)
    assert not cso_access.is_cso_admin(membership.user, membership.cso)
    assert cso_access.member_addresses([membership.cso], admins_only=True) == []


def test_member_addresses_name_each_person_once():
    cso = CSOFactory()
    admin = MembershipFactory(cso=cso, role=Membership.Role.ADMIN)
    MembershipFactory(cso=cso, role=Membership.Role.MEMBER)

    assert sorted(cso_access.member_addresses([cso, cso])) == sorted(
        cso.memberships.values_list("user__email", flat=True)
    )
    assert cso_access.member_addresses([cso], admins_only=True) == [admin.user.email]
