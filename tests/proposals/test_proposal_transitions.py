import pytest
from django.core import mail

from kyodo_portal.errors import ActorNotAllowed, DomainError, TransitionNotAllowed
from proposals import services
from proposals.models import Proposal, ProposalTransition

S = Proposal.Status

# service name → (function, side, statuses it may start from, status it leads to)
TRANSITIONS = {
    "submit": (services.proposal_submit, "cso", [S.DRAFT], S.SUBMITTED),
    "resubmit": (services.proposal_resubmit, "cso", [S.RETURNED], S.SUBMITTED),
    "withdraw": (
        services.proposal_withdraw,
        "cso",
        [S.DRAFT, S.SUBMITTED, S.IN_CONSULTATION, S.RETURNED],
        S.WITHDRAWN,
    ),
    "start_consultation": (
        services.proposal_start_consultation,
        "staff",
        [S.SUBMITTED],
        S.IN_CONSULTATION,
    ),
    "agree": (services.proposal_agree, "staff", [S.IN_CONSULTATION], S.AGREED),
    "return": (services.proposal_return, "staff", [S.SUBMITTED, S.IN_CONSULTATION], S.RETURNED),
    "reject": (services.proposal_reject, "staff", [S.SUBMITTED, S.IN_CONSULTATION], S.REJECTED),
}
ALLOWED = [(name, start) for name, (_, _, starts, _) in TRANSITIONS.items() for start in starts]
REFUSED = [
    (name, start)
    for name, (_, _, starts, _) in TRANSITIONS.items()
    for start in S.values
    if start not in starts
]


def call(name, proposal, by):
    function = TRANSITIONS[name][0]
    kwargs = {"proposal": proposal, "by": by}
    if name in ("return", "reject"):
        kwargs["comment"] = "理由を書きます。"
    return function(**kwargs)


def actor(name, cso_member, promoter):
    return cso_member if TRANSITIONS[name][1] == "cso" else promoter


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "start"), ALLOWED)
def test_allowed_transition_changes_status_and_writes_one_history_entry(
    name, start, proposal_in, cso_member, promoter
):
    proposal = proposal_in(start)
    entries_before = ProposalTransition.objects.filter(proposal=proposal).count()
    by = actor(name, cso_member, promoter)

    result = call(name, proposal, by)

    result.refresh_from_db()
    assert result.status == TRANSITIONS[name][3]
    last = ProposalTransition.objects.filter(proposal=proposal).last()
    assert ProposalTransition.objects.filter(proposal=proposal).count() == entries_before + 1
    assert (last.from_status, last.to_status, last.by) == (start, result.status, by)
    assert last.by_prefecture == (TRANSITIONS[name][1] == "staff")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "start"), REFUSED)
def test_transition_from_a_wrong_state_is_refused_and_changes_nothing(
    name, start, proposal_in, cso_member, promoter
):
    proposal = proposal_in(start)
    entries_before = ProposalTransition.objects.filter(proposal=proposal).count()
    expected = (
        ActorNotAllowed
        if TRANSITIONS[name][1] == "staff" and start == S.DRAFT
        else TransitionNotAllowed
    )

    with pytest.raises(expected) as refused:
        call(name, proposal, actor(name, cso_member, promoter))

    assert refused.value.message
    proposal.refresh_from_db()
    assert proposal.status == start
    assert ProposalTransition.objects.filter(proposal=proposal).count() == entries_before


@pytest.fixture
def wrong_people(other_cso_member, other_promoter, cso_member, promoter):
    """For each side, the people who must be refused."""
    return {
        "cso": {"another CSO's member": other_cso_member, "the department's 推進員": promoter},
        "staff": {
            "another department's 推進員": other_promoter,
            "the CSO's own member": cso_member,
        },
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "start"), ALLOWED)
def test_transition_by_the_wrong_person_is_refused_and_changes_nothing(
    name, start, proposal_in, wrong_people
):
    proposal = proposal_in(start)
    for who, person in wrong_people[TRANSITIONS[name][1]].items():
        with pytest.raises(ActorNotAllowed):
            call(name, proposal, person)
        proposal.refresh_from_db()
        assert proposal.status == start, who


@pytest.mark.django_db
def test_coordinator_may_act_on_any_department(proposal_in, coordinator):
    proposal = proposal_in(S.SUBMITTED)

    services.proposal_start_consultation(proposal=proposal, by=coordinator)

    proposal.refresh_from_db()
    assert proposal.status == S.IN_CONSULTATION


@pytest.mark.django_db
def test_former_member_can_no_longer_submit(draft, cso_member):
    membership = cso_member.memberships.get()
    membership.status = "left"
    membership.save()

    with pytest.raises(ActorNotAllowed):
        services.proposal_submit(proposal=draft, by=cso_member)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["return", "reject"])
@pytest.mark.parametrize("comment", ["", "   "])
def test_return_and_reject_need_a_comment(name, comment, proposal_in, promoter):
    proposal = proposal_in(S.SUBMITTED)

    with pytest.raises(DomainError, match="コメント"):
        TRANSITIONS[name][0](proposal=proposal, by=promoter, comment=comment)

    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED


@pytest.mark.django_db
def test_submit_refuses_an_incomplete_proposal(draft, cso_member):
    Proposal.objects.filter(pk=draft.pk).update(expected_effect="")

    with pytest.raises(DomainError, match="期待される効果"):
        services.proposal_submit(proposal=draft, by=cso_member)


@pytest.mark.django_db
def test_submit_on_a_closed_theme_is_refused(draft, cso_member):
    from tests.factories import ThemeFactory

    theme = ThemeFactory(department=draft.department)
    draft.theme = theme
    draft.save()
    theme.closes_on = theme.opens_on
    theme.save()

    with pytest.raises(TransitionNotAllowed, match="募集期間外"):
        services.proposal_submit(proposal=draft, by=cso_member)


@pytest.mark.django_db(transaction=True)
def test_submit_notifies_the_department_after_commit(draft, cso_member, promoter, other_promoter):
    services.proposal_submit(proposal=draft, by=cso_member)

    assert [m.to for m in mail.outbox] == [[promoter.email]]
    assert draft.title in mail.outbox[0].subject
    assert "提出されました" in mail.outbox[0].subject


@pytest.mark.django_db(transaction=True)
def test_return_notifies_the_cso_members_with_the_reason(proposal_in, cso_member, promoter):
    proposal = proposal_in(S.SUBMITTED)
    mail.outbox.clear()

    services.proposal_return(proposal=proposal, by=promoter, comment="予算の内訳を補ってください。")

    assert [m.to for m in mail.outbox] == [[cso_member.email]]
    assert "差戻し" in mail.outbox[0].subject
    assert "予算の内訳を補ってください。" in mail.outbox[0].body


@pytest.mark.django_db
def test_agree_records_when_and_leaves_the_proposal_for_the_agreement(proposal_in):
    proposal = proposal_in(S.AGREED)

    assert proposal.agreed_at is not None
    assert list(Proposal.objects.agreed()) == [proposal]


@pytest.mark.django_db
def test_returned_proposal_is_editable_and_resubmittable(proposal_in, cso_member):
    proposal = proposal_in(S.RETURNED)
    proposal.content = "訪問を週二回に増やします。"

    proposal = services.proposal_update(proposal=proposal, by=cso_member, fields=["content"])
    proposal = services.proposal_resubmit(proposal=proposal, by=cso_member)

    proposal.refresh_from_db()
    assert (proposal.status, proposal.content) == (S.SUBMITTED, "訪問を週二回に増やします。")


@pytest.mark.django_db
@pytest.mark.parametrize("start", [S.SUBMITTED, S.IN_CONSULTATION, S.AGREED, S.REJECTED])
def test_a_submitted_proposal_is_read_only_to_the_cso(start, proposal_in, cso_member):
    proposal = proposal_in(start)
    proposal.content = "書き換え"

    with pytest.raises(TransitionNotAllowed):
        services.proposal_update(proposal=proposal, by=cso_member, fields=["content"])

    proposal.refresh_from_db()
    assert proposal.content != "書き換え"


@pytest.mark.django_db
def test_the_history_lists_every_step_in_order(proposal_in):
    proposal = proposal_in(S.AGREED)

    steps = list(proposal.transitions.values_list("from_status", "to_status"))

    assert steps == [
        ("", S.DRAFT),
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.IN_CONSULTATION),
        (S.IN_CONSULTATION, S.AGREED),
    ]


@pytest.mark.django_db
def test_the_department_is_mailed_an_absolute_link_to_the_submitted_proposal(
    draft, cso_member, promoter, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://kyodo.example.jp"
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_submit(proposal=draft, by=cso_member)

    [message] = [m for m in mail.outbox if promoter.email in m.to]
    assert f"https://kyodo.example.jp/admin/proposals/proposal/{draft.pk}/change/" in message.body
