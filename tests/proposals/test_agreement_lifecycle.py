import datetime

import pytest
from django.test import TestCase

from cso_registry.models import Membership
from proposals.agreements import services
from proposals.models import (
    Agreement,
    AgreementParty,
    AgreementTransition,
    AgreementVersion,
    Proposal,
    RoleAssignment,
)
from tests.factories import CSOFactory, MembershipFactory, ProposalFactory
from tests.proposals.conftest import complete_draft

pytestmark = pytest.mark.django_db
S = Agreement.Status
VS = AgreementVersion.Status


def state(agreement):
    agreement.refresh_from_db()
    version = agreement.current_version
    return (
        agreement.status,
        version.status,
        agreement.versions.count(),
        AgreementTransition.objects.filter(agreement=agreement).count(),
        list(version.parties.values_list("confirmed_at", flat=True)),
    )


# --- creation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [
        Proposal.Status.DRAFT,
        Proposal.Status.SUBMITTED,
        Proposal.Status.IN_CONSULTATION,
        Proposal.Status.RETURNED,
        Proposal.Status.REJECTED,
        Proposal.Status.WITHDRAWN,
    ],
)
def test_only_a_proposal_at_agreed_gets_an_agreement(proposal_in, promoter, status):
    proposal = proposal_in(status)

    with pytest.raises(services.TransitionNotAllowed, match="合意"):
        services.agreement_create(proposal=proposal, by=promoter)

    assert not Agreement.objects.exists()


def test_agreement_from_an_agreed_proposal_is_prefilled(agreed, promoter):
    agreed.budget_estimate = 500_000
    agreed.save()

    agreement = services.agreement_create(proposal=agreed, by=promoter)

    version = agreement.current_version
    assert agreement.status == S.DRAFT
    assert (agreement.form, agreement.zone, agreement.department) == (
        agreed.form,
        agreed.zone,
        agreed.department,
    )
    assert (version.number, version.status, version.title) == (1, VS.DRAFT, agreed.title)
    assert version.purpose == agreed.purpose and version.shared_goal == agreed.shared_goal
    assert version.budget_amount == 500_000
    assert "個人情報" in version.confidentiality_clause
    assert version.prefecture_contact_name == promoter.full_name
    [party] = version.parties.all()
    assert party.cso == agreed.cso and party.is_lead and party.contact_name
    carried = sorted(version.roles.values_list("carried_by", flat=True))
    assert carried == [RoleAssignment.CarriedBy.CSO, RoleAssignment.CarriedBy.PREFECTURE]
    assert agreement.transitions.get().action == AgreementTransition.Action.CREATED


def test_a_proposal_gets_one_agreement_only(agreement, agreed, promoter):
    with pytest.raises(services.TransitionNotAllowed, match="すでに"):
        services.agreement_create(proposal=agreed, by=promoter)
    assert Agreement.objects.count() == 1


def test_promoter_of_another_department_cannot_start_the_agreement(agreed, other_promoter):
    with pytest.raises(services.ActorNotAllowed):
        services.agreement_create(proposal=agreed, by=other_promoter)
    assert not Agreement.objects.exists()


# --- what the agreement must contain ------------------------------------------------------------

FORM_CASES = [
    (
        "D",
        "consignment",
        {"deliverables": "報告書", "payment_note": "完了後に一括"},
        ["成果物", "委託料と支払い"],
    ),
    (
        "B",
        "subsidy",
        {"subsidy_amount": 300_000, "reporting_duty": "年度末に実績報告"},
        ["補助金の額（円）", "実績報告の義務"],
    ),
    (
        "B",
        "sponsorship",
        {"event_description": "講演会", "name_use_conditions": "チラシに後援と明記"},
        ["後援する催し", "県の名義を使う条件"],
    ),
    (
        "C",
        "co_hosting",
        {"shared_costs": "会場費は県", "shared_responsibilities": "事故は双方で協議"},
        ["費用の分担", "責任の分担"],
    ),
    ("C", "cooperation", {}, []),
]


@pytest.mark.parametrize(("zone", "form", "items", "labels"), FORM_CASES)
def test_form_specific_items_are_required_and_named(
    cso, cso_member, department, promoter, zone, form, items, labels
):
    proposal = services_proposal(cso, cso_member, department, promoter, zone=zone, form=form)
    agreement = services.agreement_create(proposal=proposal, by=promoter)
    version = complete_draft(agreement)

    if labels:
        with pytest.raises(services.IncompleteAgreement) as refused:
            services.agreement_request_confirmation(version=version, by=promoter)
        assert refused.value.items == labels
        for label in labels:
            assert label in refused.value.message
        version.refresh_from_db()
        assert version.confirmation_requested_at is None
        for name, value in items.items():
            setattr(version, name, value)
        version.save()

    services.agreement_request_confirmation(version=version, by=promoter)
    version.refresh_from_db()
    assert version.confirmation_requested_at is not None


def services_proposal(cso, member, department, staff, **fields):
    from proposals import services as proposal_services
    from tests.proposals.conftest import arrange

    proposal = ProposalFactory.build(cso=cso, created_by=member, department=department, **fields)
    proposal = proposal_services.proposal_create(proposal=proposal, by=member)
    return arrange(proposal, Proposal.Status.AGREED, member=member, staff=staff)


def test_agreement_needs_at_least_one_task(agreement, promoter):
    version = complete_draft(agreement)
    version.roles.all().delete()

    with pytest.raises(services.IncompleteAgreement, match="役割分担"):
        services.agreement_request_confirmation(version=version, by=promoter)


def test_every_party_carries_at_least_one_task(agreement, promoter):
    version = complete_draft(agreement)
    second = CSOFactory(name="みやき子ども応援団")
    AgreementParty.objects.create(version=version, cso=second, contact_name="基山 次郎")

    with pytest.raises(services.IncompleteAgreement) as refused:
        services.agreement_request_confirmation(version=version, by=promoter)
    assert refused.value.items == ["みやき子ども応援団 が担う役割"]

    RoleAssignment.objects.create(
        version=version, task="会場の確保", carried_by="cso", cso=second, responsibility="会場"
    )
    services.agreement_request_confirmation(version=version, by=promoter)


def test_the_prefecture_carries_at_least_one_task(agreement, promoter):
    version = complete_draft(agreement)
    version.roles.filter(carried_by="prefecture").delete()

    with pytest.raises(services.IncompleteAgreement, match="県が担う役割"):
        services.agreement_request_confirmation(version=version, by=promoter)


def test_a_joint_task_counts_for_both_sides(agreement, promoter):
    version = complete_draft(agreement)
    version.roles.all().delete()
    RoleAssignment.objects.create(version=version, task="合同の研修", carried_by="joint")

    assert version.missing_items() == []


# --- confirmation by the CSO's 管理者 ---------------------------------------------------------------


@pytest.fixture
def requested(agreement, promoter):
    version = complete_draft(agreement)
    services.agreement_request_confirmation(version=version, by=promoter)
    version.refresh_from_db()
    return version


def test_cso_admin_confirms_and_the_agreement_is_cso_confirmed(requested, cso_member):
    services.agreement_confirm(version=requested, by=cso_member, revision=requested.revision)

    agreement = requested.agreement
    agreement.refresh_from_db()
    requested.refresh_from_db()
    assert agreement.status == S.CONFIRMED and requested.status == VS.CONFIRMED
    party = requested.parties.get()
    assert party.confirmed_by == cso_member and party.confirmed_at is not None
    step = agreement.transitions.get(action=AgreementTransition.Action.CONFIRMED)
    assert (step.from_status, step.to_status, step.by, step.by_prefecture) == (
        "draft",
        "confirmed",
        cso_member,
        False,
    )


def test_only_the_party_csos_admin_can_confirm(
    requested, cso, promoter, coordinator, other_cso_member
):
    plain_member = MembershipFactory(cso=cso, role=Membership.Role.MEMBER).user
    before = state(requested.agreement)

    for person in (plain_member, other_cso_member, promoter, coordinator):
        with pytest.raises(services.ActorNotAllowed):
            services.agreement_confirm(version=requested, by=person, revision=requested.revision)

    assert state(requested.agreement) == before


def test_an_admin_who_left_the_cso_cannot_confirm(requested, cso, cso_member):
    Membership.objects.filter(user=cso_member, cso=cso).update(status=Membership.Status.LEFT)

    with pytest.raises(services.ActorNotAllowed):
        services.agreement_confirm(version=requested, by=cso_member, revision=requested.revision)


def test_confirmation_before_the_request_is_refused(agreement, cso_member):
    version = complete_draft(agreement)
    before = state(agreement)

    with pytest.raises(services.TransitionNotAllowed, match="確認の依頼"):
        services.agreement_confirm(version=version, by=cso_member, revision=version.revision)
    assert state(agreement) == before


def test_confirming_a_text_that_changed_meanwhile_is_refused(requested, cso_member, promoter):
    seen = requested.revision
    services.version_after_edit(version=requested, by=promoter, changed=True)

    with pytest.raises(services.TransitionNotAllowed, match="内容が変わりました"):
        services.agreement_confirm(version=requested, by=cso_member, revision=seen)
    requested.refresh_from_db()
    assert requested.status == VS.DRAFT


def test_two_party_csos_must_both_confirm(requested, cso_member, promoter):
    second = CSOFactory()
    second_admin = MembershipFactory(cso=second, role=Membership.Role.ADMIN).user
    AgreementParty.objects.create(version=requested, cso=second, contact_name="担当")
    RoleAssignment.objects.create(version=requested, task="広報", carried_by="cso", cso=second)

    services.agreement_confirm(version=requested, by=cso_member, revision=requested.revision)
    requested.refresh_from_db()
    assert requested.status == VS.DRAFT

    services.agreement_confirm(version=requested, by=second_admin, revision=requested.revision)
    requested.refresh_from_db()
    assert requested.status == VS.CONFIRMED


def test_request_for_confirmation_mails_the_cso_admins_only(agreement, cso, promoter, mailoutbox):
    MembershipFactory(cso=cso, role=Membership.Role.MEMBER, user__email="member@example.jp")
    version = complete_draft(agreement)

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.agreement_request_confirmation(version=version, by=promoter)

    recipients = {m.to[0] for m in mailoutbox}
    assert recipients == {cso.admins().get().email}
    assert "協定書の確認" in mailoutbox[0].subject


def test_cso_admin_can_ask_for_changes_with_a_reason(requested, cso_member):
    with pytest.raises(services.DomainError, match="理由"):
        services.agreement_request_changes(version=requested, by=cso_member, comment=" ")

    services.agreement_request_changes(
        version=requested, by=cso_member, comment="期限を6月末にしてください。"
    )
    step = requested.agreement.transitions.get(action="changes_requested")
    assert step.comment == "期限を6月末にしてください。"


# --- 締結, 実施, 完了 ---------------------------------------------------------------------------------


def test_conclude_records_the_date_and_the_fiscal_year(agreement_in):
    agreement = agreement_in(S.CONCLUDED, concluded_on=datetime.date(2026, 3, 31))

    assert agreement.status == S.CONCLUDED
    assert agreement.concluded_on == datetime.date(2026, 3, 31)
    assert agreement.fiscal_year == 2025
    assert agreement.current_version.status == VS.CONCLUDED


def test_conclude_before_every_confirmation_is_refused_and_changes_nothing(requested, promoter):
    before = state(requested.agreement)

    with pytest.raises(services.TransitionNotAllowed):
        services.agreement_conclude(
            version=requested, by=promoter, concluded_on=datetime.date(2026, 5, 1)
        )
    assert state(requested.agreement) == before


def test_conclude_in_the_future_is_refused(agreement_in, promoter):
    agreement = agreement_in(S.CONFIRMED)

    with pytest.raises(services.DomainError, match="未来"):
        services.agreement_conclude(
            version=agreement.current_version,
            by=promoter,
            concluded_on=datetime.date.today() + datetime.timedelta(days=1),
        )


def test_start_and_complete(agreement_in, promoter, other_promoter):
    agreement = agreement_in(S.CONCLUDED)
    with pytest.raises(services.ActorNotAllowed):
        services.agreement_start(agreement=agreement, by=other_promoter)
    with pytest.raises(services.TransitionNotAllowed):
        services.agreement_complete(agreement=agreement, by=promoter)

    services.agreement_start(agreement=agreement, by=promoter)
    services.agreement_complete(agreement=agreement, by=promoter)

    agreement.refresh_from_db()
    assert agreement.status == S.COMPLETED and agreement.completed_on is not None
    actions = list(agreement.transitions.values_list("action", flat=True))
    assert actions[-2:] == ["started", "completed"]


# --- amendments (変更協定) ------------------------------------------------------------------------


def test_amendment_keeps_the_previous_version(agreement_in, promoter, cso_member):
    agreement = agreement_in(S.IN_PROGRESS)
    first = agreement.current_version
    first_title, first_roles = first.title, list(first.roles.values_list("task", flat=True))

    with pytest.raises(services.DomainError, match="理由"):
        services.agreement_start_amendment(agreement=agreement, by=promoter, reason="")
    amendment = services.agreement_start_amendment(
        agreement=agreement, by=promoter, reason="期間を延ばします。"
    )
    assert (amendment.number, amendment.status) == (2, VS.DRAFT)
    assert list(amendment.roles.values_list("task", flat=True)) == first_roles
    amendment.title = first_title + "（拡充）"
    amendment.ends_on = datetime.date(2027, 9, 30)
    amendment.save()
    RoleAssignment.objects.create(version=amendment, task="成果の発表会", carried_by="joint")

    agreement.refresh_from_db()
    assert agreement.current_version == first  # the version in force until 締結
    with pytest.raises(services.TransitionNotAllowed, match="変更協定"):
        services.agreement_complete(agreement=agreement, by=promoter)

    services.agreement_request_confirmation(version=amendment, by=promoter)
    amendment.refresh_from_db()
    services.agreement_confirm(version=amendment, by=cso_member, revision=amendment.revision)
    services.agreement_conclude(version=amendment, by=promoter, concluded_on=datetime.date.today())

    agreement.refresh_from_db()
    first.refresh_from_db()
    assert agreement.current_version == amendment
    assert agreement.status == S.IN_PROGRESS
    assert first.status == VS.SUPERSEDED
    assert first.title == first_title
    assert list(first.roles.values_list("task", flat=True)) == first_roles
    assert first.concluded_on == datetime.date(2026, 5, 1)
    assert agreement.concluded_on == datetime.date(2026, 5, 1)


def test_one_open_amendment_at_a_time(agreement_in, promoter):
    agreement = agreement_in(S.CONCLUDED)
    services.agreement_start_amendment(agreement=agreement, by=promoter, reason="変更")

    with pytest.raises(services.TransitionNotAllowed, match="すでに"):
        services.agreement_start_amendment(agreement=agreement, by=promoter, reason="変更")


def test_no_amendment_before_conclusion(agreement, promoter):
    with pytest.raises(services.TransitionNotAllowed):
        services.agreement_start_amendment(agreement=agreement, by=promoter, reason="変更")


def test_withdrawn_amendment_is_kept_and_the_agreement_goes_on(agreement_in, promoter):
    agreement = agreement_in(S.IN_PROGRESS)
    amendment = services.agreement_start_amendment(agreement=agreement, by=promoter, reason="変更")

    services.agreement_withdraw_amendment(version=amendment, by=promoter, comment="見送ります。")

    amendment.refresh_from_db()
    assert amendment.status == VS.WITHDRAWN
    services.agreement_complete(agreement=agreement, by=promoter)


def test_reopen_clears_the_confirmations(agreement_in, promoter):
    agreement = agreement_in(S.CONFIRMED)
    version = agreement.current_version

    services.agreement_reopen(version=version, by=promoter, comment="期限を直します。")

    agreement.refresh_from_db()
    version.refresh_from_db()
    assert agreement.status == S.DRAFT and version.status == VS.DRAFT
    assert version.confirmation_requested_at is None
    assert not version.parties.filter(confirmed_at__isnull=False).exists()


# --- progress ---------------------------------------------------------------------------------------


def test_progress_only_while_in_progress(agreement_in, cso_member):
    agreement = agreement_in(S.CONCLUDED)

    with pytest.raises(services.TransitionNotAllowed, match="進捗"):
        services.progress_report(
            agreement=agreement,
            by=cso_member,
            reported_on=datetime.date.today(),
            percent_complete=10,
            text="準備を始めました。",
        )


def test_progress_by_either_side_and_nobody_else(
    agreement_in, cso_member, promoter, other_cso_member
):
    agreement = agreement_in(S.IN_PROGRESS)
    today = datetime.date.today()

    by_cso = services.progress_report(
        agreement=agreement, by=cso_member, reported_on=today, percent_complete=20, text="募集"
    )
    by_prefecture = services.progress_report(
        agreement=agreement, by=promoter, reported_on=today, percent_complete=25, text="広報"
    )
    with pytest.raises(services.ActorNotAllowed):
        services.progress_report(
            agreement=agreement,
            by=other_cso_member,
            reported_on=today,
            percent_complete=5,
            text="x",
        )

    assert (by_cso.by_prefecture, by_prefecture.by_prefecture) == (False, True)
    assert agreement.progress_reports.count() == 2


@pytest.mark.parametrize(
    ("percent", "visibility", "summary", "message"),
    [
        (101, "parties", "", "0 から 100"),
        (-1, "parties", "", "0 から 100"),
        (50, "public", "", "要約"),
    ],
)
def test_bad_progress_is_refused(agreement_in, cso_member, percent, visibility, summary, message):
    agreement = agreement_in(S.IN_PROGRESS)

    with pytest.raises(services.DomainError, match=message):
        services.progress_report(
            agreement=agreement,
            by=cso_member,
            reported_on=datetime.date.today(),
            percent_complete=percent,
            text="報告",
            visibility=visibility,
            public_summary=summary,
        )
    assert not agreement.progress_reports.exists()
