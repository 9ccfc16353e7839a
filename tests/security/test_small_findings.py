"""Finding 10 of the trust issue: the smaller holes."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from outreach.models import Event
from proposals.models import ConsultationEntry, Proposal
from tests.factories import MembershipFactory, ProposalFactory
from tests.security.world import PDF

pytestmark = pytest.mark.django_db


def test_the_public_event_filter_does_not_offer_staff_training(client):
    page = client.get(reverse("outreach:event_list")).content.decode()

    assert str(Event.Kind.STAFF_TRAINING.label) not in page
    assert str(Event.Kind.SEMINAR.label) in page


def test_removing_an_internal_attachment_of_ones_own_proposal_answers_like_a_missing_one(
    client, promoter
):
    proposal = ProposalFactory(department=promoter.department, status=Proposal.Status.SUBMITTED)
    member = proposal.created_by
    entry = ConsultationEntry.objects.create(
        proposal=proposal,
        text="県内部の検討",
        visibility=ConsultationEntry.Visibility.INTERNAL,
        author=promoter,
        by_prefecture=True,
    )
    internal = proposal.attachments.create(
        entry=entry,
        file=ContentFile(PDF, name="内部.pdf"),
        original_name="内部.pdf",
        size=len(PDF),
        uploaded_by=promoter,
    )
    client.force_login(member)

    to_internal = client.post(reverse("proposals:my_attachment_remove", args=[internal.pk]))
    to_missing = client.post(reverse("proposals:my_attachment_remove", args=[internal.pk + 99]))

    assert to_internal.status_code == to_missing.status_code == 404
    assert "内部.pdf" not in to_internal.content.decode()


@pytest.mark.parametrize(
    "name", ["account:home", "proposals:my_list", "proposals:my_agreement_list", "home"]
)
def test_pages_for_a_signed_in_person_are_private_and_not_stored(client, name):
    client.force_login(MembershipFactory().user)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_public_pages_for_anonymous_readers_stay_cacheable(client):
    response = client.get(reverse("cso_registry:list"))

    assert "no-store" not in response.get("Cache-Control", "")
