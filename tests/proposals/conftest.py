import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from cso_registry.models import Membership
from kyodo_portal.roles import Role
from proposals import services
from proposals.models import Proposal, ReviewCriterion
from tests.factories import (
    CSOFactory,
    DepartmentFactory,
    MembershipFactory,
    ProposalFactory,
    UserFactory,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def private_media(settings):
    """Where this test's uploads go (tests/conftest.py points it at a temporary folder)."""
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def pdf_file():
    return SimpleUploadedFile("計画書.pdf", PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def cso(db):
    return CSOFactory()


@pytest.fixture
def cso_member(cso):
    return MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user


@pytest.fixture
def other_cso_member(db):
    return MembershipFactory(role=Membership.Role.ADMIN).user


@pytest.fixture
def other_department(db):
    return DepartmentFactory()


@pytest.fixture
def other_promoter(other_department):
    user = UserFactory(is_staff=True, department=other_department)
    user.groups.add(Group.objects.get(name=Role.PROMOTER))
    return user


@pytest.fixture
def draft(cso, cso_member, department):
    """A complete draft, created through the service as a member would."""
    proposal = ProposalFactory.build(cso=cso, created_by=cso_member, department=department)
    return services.proposal_create(proposal=proposal, by=cso_member)


def arrange(proposal, status, *, member, staff):
    """Bring a draft to ``status`` through the services, as people would."""
    path = {
        Proposal.Status.DRAFT: [],
        Proposal.Status.SUBMITTED: ["submit"],
        Proposal.Status.IN_CONSULTATION: ["submit", "start"],
        Proposal.Status.AGREED: ["submit", "start", "agree"],
        Proposal.Status.RETURNED: ["submit", "return"],
        Proposal.Status.REJECTED: ["submit", "reject"],
        Proposal.Status.WITHDRAWN: ["withdraw"],
    }[status]
    steps = {
        "submit": lambda p: services.proposal_submit(proposal=p, by=member),
        "start": lambda p: services.proposal_start_consultation(proposal=p, by=staff),
        "agree": lambda p: services.proposal_agree(proposal=p, by=staff),
        "return": lambda p: services.proposal_return(proposal=p, by=staff, comment="見直し"),
        "reject": lambda p: services.proposal_reject(proposal=p, by=staff, comment="見送り"),
        "withdraw": lambda p: services.proposal_withdraw(proposal=p, by=member),
    }
    for step in path:
        proposal = steps[step](proposal)
    return proposal


@pytest.fixture
def proposal_in(draft, cso_member, promoter):
    def make(status):
        return arrange(draft, status, member=cso_member, staff=promoter)

    return make


@pytest.fixture
def department_criteria(department):
    return [
        ReviewCriterion.objects.create(department=department, name=name, weight=weight, order=i)
        for i, (name, weight) in enumerate(
            [
                ("公益性", 30),
                ("協働の必要性", 25),
                ("実現可能性", 20),
                ("目的の共有", 15),
                ("費用の妥当性", 10),
            ]
        )
    ]


# --- agreements (issue 5) ---------------------------------------------------------------------

import datetime  # noqa: E402

from proposals.agreements import services as agreement_services  # noqa: E402
from proposals.models import Agreement  # noqa: E402


@pytest.fixture
def agreed(proposal_in):
    return proposal_in(Proposal.Status.AGREED)


@pytest.fixture
def agreement(agreed, promoter):
    """A draft agreement created from the proposal at 合意, as the department would."""
    return agreement_services.agreement_create(proposal=agreed, by=promoter)


def complete_draft(agreement):
    """Fill what the prefill from a factory proposal leaves open (the period)."""
    version = agreement.current_version
    version.starts_on = datetime.date(2026, 4, 1)
    version.ends_on = datetime.date(2027, 3, 31)
    version.save()
    return version


def bring_agreement_to(agreement, status, *, staff, admin, concluded_on=None):
    """Take a fresh draft agreement to ``status`` through the services."""
    agreement.refresh_from_db()
    order = [
        Agreement.Status.DRAFT,
        Agreement.Status.CONFIRMED,
        Agreement.Status.CONCLUDED,
        Agreement.Status.IN_PROGRESS,
        Agreement.Status.COMPLETED,
    ]
    target = order.index(status)
    version = complete_draft(agreement)
    if target >= 1:
        agreement_services.agreement_request_confirmation(version=version, by=staff)
        version.refresh_from_db()
        agreement_services.agreement_confirm(version=version, by=admin, revision=version.revision)
    if target >= 2:
        agreement_services.agreement_conclude(
            version=version, by=staff, concluded_on=concluded_on or datetime.date(2026, 5, 1)
        )
    if target >= 3:
        agreement_services.agreement_start(agreement=agreement, by=staff)
    if target >= 4:
        agreement_services.agreement_complete(agreement=agreement, by=staff)
    agreement.refresh_from_db()
    return agreement


@pytest.fixture
def agreement_in(agreement, promoter, cso_member):
    def make(status, **kwargs):
        return bring_agreement_to(agreement, status, staff=promoter, admin=cso_member, **kwargs)

    return make
