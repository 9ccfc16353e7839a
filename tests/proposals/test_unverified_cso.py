"""Finding 7 of the trust issue: a CSO that 県民協働課 has not verified and published (申請中, or
非公開) may prepare drafts, but cannot submit a proposal, open 事前相談, ask for an advisor or
become a party of an agreement; staff see the CSO's state on every proposal and agreement page
and list."""

import datetime

import pytest
from django.urls import reverse

from advisors.models import AdvisorRequest
from advisors.services import advisor_request_submit
from cso_registry.models import CSO, Membership
from kyodo_portal.errors import DomainError
from proposals import services
from proposals.agreements import services as agreement_services
from proposals.models import AgreementParty, Proposal
from tests.factories import CSOFactory, MembershipFactory, ProposalFactory
from tests.outreach.factories import npo_admin
from tests.proposals.conftest import complete_draft

pytestmark = pytest.mark.django_db

UNVERIFIED = [CSO.Status.PENDING, CSO.Status.HIDDEN]


def draft_of(status, department):
    cso = CSOFactory(status=status, name=f"{CSO.Status(status).label}の会")
    member = MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user
    proposal = services.proposal_create(
        proposal=ProposalFactory.build(cso=cso, department=department, created_by=member),
        by=member,
    )
    return proposal, member


@pytest.mark.parametrize("status", UNVERIFIED)
def test_an_unverified_cso_saves_a_draft_but_cannot_submit_it(client, department, status):
    proposal, member = draft_of(status, department)
    client.force_login(member)

    response = client.post(reverse("proposals:my_submit", args=[proposal.pk]), follow=True)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT
    assert "県民協働課の確認" in response.content.decode()
    with pytest.raises(services.TransitionNotAllowed):
        services.proposal_submit(proposal=proposal, by=member)


@pytest.mark.parametrize("status", UNVERIFIED)
def test_an_unverified_cso_cannot_open_pre_consultation(department, status):
    proposal, member = draft_of(status, department)

    with pytest.raises(services.TransitionNotAllowed):
        services.proposal_open_pre_consultation(proposal=proposal, by=member, text="相談です")

    proposal.refresh_from_db()
    assert proposal.pre_consultation_opened_at is None


def test_a_verified_cso_submits(department):
    proposal, member = draft_of(CSO.Status.PUBLISHED, department)

    services.proposal_submit(proposal=proposal, by=member)

    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.SUBMITTED


@pytest.mark.parametrize("status", UNVERIFIED)
def test_an_unverified_npo_cannot_request_an_advisor(client, status):
    admin, cso = npo_admin(status=status)
    client.force_login(admin)
    when = datetime.date.today() + datetime.timedelta(days=20)

    with pytest.raises(DomainError):
        advisor_request_submit(
            cso=cso, by=admin, topic="accounting", details="会計の相談", preferred_date_1=when
        )
    response = client.get(reverse("advisors:create"))

    assert response.status_code == 403
    assert "県民協働課の確認" in response.content.decode()
    assert not AdvisorRequest.objects.exists()


@pytest.mark.parametrize("status", UNVERIFIED)
def test_an_unverified_cso_cannot_be_made_a_party_of_an_agreement(
    client, agreement, promoter, status
):
    version = complete_draft(agreement)
    newcomer = CSOFactory(status=status, name="加わりたい会")
    AgreementParty.objects.create(version=version, cso=newcomer, contact_name="担当")

    with pytest.raises(agreement_services.TransitionNotAllowed, match="加わりたい会"):
        agreement_services.agreement_request_confirmation(version=version, by=promoter)

    version.refresh_from_db()
    assert version.confirmation_requested_at is None


def test_the_admin_offers_only_verified_csos_as_parties(client, agreement, promoter):
    from tests.proposals.test_agreement_admin import version_post_data

    version = complete_draft(agreement)
    pending = CSOFactory(status=CSO.Status.PENDING, name="申請中の会")
    client.force_login(promoter)
    data = version_post_data(client, version)
    prefix = next(key for key in data if key.endswith("-TOTAL_FORMS") and "parties" in key)
    prefix = prefix.removesuffix("-TOTAL_FORMS")
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(index + 1),
            f"{prefix}-{index}-cso": str(pending.pk),
            f"{prefix}-{index}-contact_name": "担当",
        }
    )

    response = client.post(
        reverse("admin:proposals_agreementversion_change", args=[version.pk]), data
    )

    assert response.status_code == 200
    assert not version.parties.filter(cso=pending).exists()


def test_staff_see_the_proposers_state_in_the_list_and_on_the_page(client, department, promoter):
    proposal, _member = draft_of(CSO.Status.PENDING, department)
    Proposal.objects.filter(pk=proposal.pk).update(
        status=Proposal.Status.SUBMITTED
    )  # arranged: submitted before the CSO was sent back to 申請中
    client.force_login(promoter)

    listing = client.get(reverse("admin:proposals_proposal_changelist")).content.decode()
    page = client.get(
        reverse("admin:proposals_proposal_change", args=[proposal.pk])
    ).content.decode()

    assert "申請中" in listing
    assert "申請中" in page and "県民協働課の確認が済んでいません" in page


def test_staff_see_each_partys_state_on_the_agreement_list_and_page(
    client, agreement, promoter, cso
):
    CSO.objects.filter(pk=cso.pk).update(status=CSO.Status.HIDDEN)
    client.force_login(promoter)

    listing = client.get(reverse("admin:proposals_agreement_changelist")).content.decode()
    page = client.get(
        reverse("admin:proposals_agreement_change", args=[agreement.pk])
    ).content.decode()

    assert "非公開" in listing
    assert "非公開" in page


def test_the_party_search_in_the_admin_finds_only_verified_csos(client, promoter):
    CSOFactory(name="検索テスト公開の会")
    CSOFactory(name="検索テスト申請中の会", status=CSO.Status.PENDING)
    client.force_login(promoter)

    response = client.get(
        "/admin/autocomplete/",
        {
            "term": "検索テスト",
            "app_label": "proposals",
            "model_name": "agreementparty",
            "field_name": "cso",
        },
    )

    names = [item["text"] for item in response.json()["results"]]
    assert names == ["検索テスト公開の会"]
