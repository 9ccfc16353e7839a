"""Finding 3 of the trust issue: the parties of an agreement are the CSOs of the version in
force. A CSO dropped by an amendment, or named only in a withdrawn one, has no part in the
agreement any more; a CSO proposed as a party by an open amendment sees that amendment only."""

import datetime

import pytest
from django.urls import reverse

from cso_registry.models import Membership
from evaluations import services as evaluation_services
from evaluations.models import Evaluation, Side
from proposals.access import can_view_agreement, is_agreement_party
from proposals.agreements import services
from proposals.models import Agreement, AgreementParty, ProgressReport, RoleAssignment
from tests.factories import CSOFactory, MembershipFactory
from tests.proposals.conftest import complete_draft

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _add_party(version, cso, task):
    AgreementParty.objects.create(version=version, cso=cso, contact_name=f"{cso.name} 担当")
    RoleAssignment.objects.create(version=version, task=task, carried_by="cso", cso=cso, order=9)


def _confirm_all(version, admins):
    services.agreement_request_confirmation(version=version, by=version.agreement.created_by)
    for admin in admins:
        version.refresh_from_db()
        party = services.admin_party(admin, version)
        if party is not None:
            services.agreement_confirm(version=version, by=admin, revision=version.revision)


class Story:
    """An agreement at 実施中: version 1 with CSO A (lead) and B; version 2 (in force) dropped
    B; version 3 named C and was withdrawn; version 4, open and awaiting confirmation, adds D."""

    def __init__(self, agreement, promoter, admin_a):
        self.promoter = promoter
        self.cso_b, self.cso_c, self.cso_d = (CSOFactory(name=n) for n in ("B会", "C会", "D会"))
        self.admin_b, self.admin_c, self.admin_d = (
            MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user
            for cso in (self.cso_b, self.cso_c, self.cso_d)
        )
        self.member_b = MembershipFactory(cso=self.cso_b, role=Membership.Role.MEMBER).user
        v1 = complete_draft(agreement)
        _add_party(v1, self.cso_b, "B会の作業")
        _confirm_all(v1, [admin_a, self.admin_b])
        services.agreement_conclude(version=v1, by=promoter, concluded_on=TODAY)
        services.agreement_start(agreement=agreement, by=promoter)
        self.report = services.progress_report(
            agreement=agreement,
            by=admin_a,
            reported_on=TODAY,
            percent_complete=20,
            text="B会が抜ける前の報告（関係者のみ）",
        )
        v2 = services.agreement_start_amendment(
            agreement=agreement, by=promoter, reason="B会が抜ける"
        )
        v2.parties.filter(cso=self.cso_b).delete()
        v2.roles.filter(cso=self.cso_b).delete()
        _confirm_all(v2, [admin_a])
        services.agreement_conclude(version=v2, by=promoter, concluded_on=TODAY)
        v3 = services.agreement_start_amendment(
            agreement=agreement, by=promoter, reason="C会を検討"
        )
        _add_party(v3, self.cso_c, "C会の作業")
        services.agreement_withdraw_amendment(version=v3, by=promoter, comment="見送り")
        self.v4 = services.agreement_start_amendment(
            agreement=agreement, by=promoter, reason="D会が加わる"
        )
        _add_party(self.v4, self.cso_d, "D会の作業")
        services.agreement_request_confirmation(version=self.v4, by=promoter)
        agreement.refresh_from_db()
        self.agreement = agreement
        self.admin_a = admin_a


@pytest.fixture
def story(agreement, promoter, cso_member):
    return Story(agreement, promoter, cso_member)


@pytest.mark.parametrize("who", ["admin_b", "member_b", "admin_c"])
def test_a_cso_dropped_or_only_in_a_withdrawn_amendment_has_no_agreement_pages(client, story, who):
    agreement = story.agreement
    client.force_login(getattr(story, who))
    urls = [
        reverse("proposals:my_agreement_detail", args=[agreement.pk]),
        reverse("proposals:my_agreement_document", args=[agreement.pk, 1]),
        reverse("proposals:my_agreement_document", args=[agreement.pk, 2]),
    ]

    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert (
        agreement.title not in client.get(reverse("proposals:my_agreement_list")).content.decode()
    )
    assert not is_agreement_party(getattr(story, who), agreement)


def test_a_dropped_cso_cannot_report_progress_that_would_reach_the_public_page(client, story):
    client.force_login(story.admin_b)

    response = client.post(
        reverse("proposals:my_agreement_report", args=[story.agreement.pk]),
        {
            "reported_on": TODAY.isoformat(),
            "percent_complete": 50,
            "text": "抜けた団体の報告",
            "visibility": ProgressReport.Visibility.PUBLIC,
            "public_summary": "抜けた団体の要約",
        },
    )
    with pytest.raises(services.ActorNotAllowed):
        services.progress_report(
            agreement=story.agreement,
            by=story.admin_b,
            reported_on=TODAY,
            percent_complete=50,
            text="抜けた団体の報告",
        )

    assert response.status_code == 404
    assert not ProgressReport.objects.filter(text="抜けた団体の報告").exists()


def test_a_dropped_cso_cannot_start_or_write_an_evaluation(story):
    with pytest.raises(evaluation_services.ActorNotAllowed):
        evaluation_services.evaluation_start(
            agreement=story.agreement, by=story.admin_b, kind=Evaluation.Kind.INTERIM
        )
    evaluation = evaluation_services.evaluation_start(
        agreement=story.agreement, by=story.promoter, kind=Evaluation.Kind.INTERIM
    )

    assert not Evaluation.objects.of_cso_member(story.admin_b).exists()
    assert Evaluation.objects.of_cso_member(story.admin_a).get() == evaluation
    with pytest.raises(evaluation_services.ActorNotAllowed):
        evaluation_services.part_save(
            part=evaluation.parts.get(side=Side.CSO),
            by=story.admin_b,
            data={"outcomes": "抜けた団体の記入"},
        )


def test_the_agreements_mail_reaches_the_parties_in_force_only(
    story, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.progress_report(
            agreement=story.agreement,
            by=story.promoter,
            reported_on=TODAY,
            percent_complete=60,
            text="県からの報告",
        )

    recipients = {address for mail in mailoutbox for address in mail.to}
    assert story.admin_a.email in recipients
    assert not recipients & {story.admin_b.email, story.member_b.email, story.admin_c.email}
    assert story.admin_d.email not in recipients


def test_a_proposed_party_reads_the_open_amendment_and_nothing_else(client, story):
    agreement = story.agreement
    client.force_login(story.admin_d)

    detail = client.get(reverse("proposals:my_agreement_detail", args=[agreement.pk]))
    page = detail.content.decode()

    assert detail.status_code == 200
    assert "D会の作業" in page
    assert "B会が抜ける前の報告" not in page
    assert reverse("proposals:my_agreement_report", args=[agreement.pk]) not in page
    assert (
        client.get(reverse("proposals:my_agreement_document", args=[agreement.pk, 4])).status_code
        == 200
    )
    assert (
        client.get(reverse("proposals:my_agreement_document", args=[agreement.pk, 2])).status_code
        == 404
    )
    file_owner = ProgressReport.objects.get(pk=story.report.pk)
    assert not can_view_agreement(story.admin_d, file_owner.agreement)


def test_a_proposed_party_confirms_the_amendment_and_becomes_a_party_at_conclusion(client, story):
    agreement = story.agreement
    client.force_login(story.admin_d)
    story.v4.refresh_from_db()

    response = client.post(
        reverse("proposals:my_agreement_confirm", args=[agreement.pk]),
        {"revision": story.v4.revision, "agree": "on"},
    )
    confirmed = services.agreement_confirm(
        version=story.v4, by=story.admin_a, revision=story.v4.revision
    )
    services.agreement_conclude(version=confirmed, by=story.promoter, concluded_on=TODAY)

    assert response.status_code == 302
    assert response["Location"] == reverse("proposals:my_agreement_detail", args=[agreement.pk])
    agreement.refresh_from_db()
    assert is_agreement_party(story.admin_d, agreement)
    assert (
        client.get(reverse("proposals:my_agreement_detail", args=[agreement.pk])).status_code == 200
    )


def test_the_public_track_record_lists_past_and_present_parties_not_proposed_ones(story):
    assert Agreement.objects.public().of_cso(story.cso_b).exists()  # was in force (変更前)
    assert not Agreement.objects.public().of_cso(story.cso_c).exists()  # withdrawn only
    assert not Agreement.objects.public().of_cso(story.cso_d).exists()  # not concluded yet
