"""A withdrawn evaluation has a way forward: 県民協働課 reopens it with a reason, both parts go
back to drafts, both sides correct and resubmit, and 県民協働課 publishes again."""

import pytest
from django.core import mail
from django.urls import reverse

from evaluations import services
from evaluations.models import Decision, Evaluation, EvaluationTransition, Side
from tests.evaluations.conftest import FULL_PART, complete

pytestmark = pytest.mark.django_db

REASON = "団体の記入に個人の名前がありました。直してください。"


@pytest.fixture
def published(evaluation, cso_member, promoter, coordinator):
    complete(evaluation, cso_member, promoter, decision=Decision.CONTINUE)
    return services.evaluation_publish(evaluation=evaluation, by=coordinator)


@pytest.fixture
def withdrawn(published, coordinator):
    return services.evaluation_withdraw(
        evaluation=published, by=coordinator, reason="記載内容を確認します。"
    )


def snapshot(evaluation):
    return (
        Evaluation.objects.values().get(pk=evaluation.pk),
        list(evaluation.parts.order_by("side").values()),
        evaluation.transitions.count(),
    )


def test_the_coordinator_reopens_a_withdrawn_evaluation_and_both_parts_are_drafts(
    withdrawn, coordinator, django_capture_on_commit_callbacks
):
    decision = (withdrawn.decision, withdrawn.decision_confirmed_at)
    versions = dict(withdrawn.parts.values_list("side", "version"))

    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_reopen(evaluation=withdrawn, by=coordinator, reason=REASON)

    withdrawn.refresh_from_db()
    assert withdrawn.status == Evaluation.Status.DRAFT
    assert not withdrawn.is_withdrawn
    for part in withdrawn.parts.all():
        assert (part.submitted_at, part.submitted_by) == (None, None)
        assert part.version == versions[part.side] + 1  # a page opened before is refused
    # The agreed continuation decision is kept.
    assert (withdrawn.decision, withdrawn.decision_confirmed_at) == decision
    entry = withdrawn.transitions.last()
    assert entry.action == EvaluationTransition.Action.REOPENED
    assert (entry.by, entry.comment, entry.side) == (coordinator, REASON, Side.PREFECTURE)


def test_both_sides_are_told_by_mail_after_commit(
    withdrawn, coordinator, cso_member, promoter, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        services.evaluation_reopen(evaluation=withdrawn, by=coordinator, reason=REASON)
    assert mail.outbox == []  # nothing before the commit

    for callback in callbacks:
        callback()

    recipients = {address for message in mail.outbox for address in message.to}
    assert {cso_member.email, promoter.email} <= recipients
    assert all(REASON in message.body for message in mail.outbox)
    assert all("やり直せる" in message.subject for message in mail.outbox)


@pytest.mark.parametrize("who", ["promoter", "cso_member"])
def test_only_the_coordinator_may_reopen(withdrawn, request, who):
    before = snapshot(withdrawn)

    with pytest.raises(services.ActorNotAllowed):
        services.evaluation_reopen(
            evaluation=withdrawn, by=request.getfixturevalue(who), reason=REASON
        )

    assert snapshot(withdrawn) == before


def test_a_reason_is_required(withdrawn, coordinator):
    before = snapshot(withdrawn)

    with pytest.raises(services.DomainError):
        services.evaluation_reopen(evaluation=withdrawn, by=coordinator, reason="  ")

    assert snapshot(withdrawn) == before


@pytest.mark.parametrize("state", ["draft", "published", "reopened"])
def test_only_a_withdrawn_evaluation_is_reopened(
    evaluation, cso_member, promoter, coordinator, state
):
    if state != "draft":
        complete(evaluation, cso_member, promoter)
        services.evaluation_publish(evaluation=evaluation, by=coordinator)
    if state == "reopened":
        services.evaluation_withdraw(evaluation=evaluation, by=coordinator, reason="確認")
        services.evaluation_reopen(evaluation=evaluation, by=coordinator, reason=REASON)
    before = snapshot(evaluation)

    with pytest.raises(services.TransitionNotAllowed):
        services.evaluation_reopen(evaluation=evaluation, by=coordinator, reason=REASON)

    assert snapshot(evaluation) == before


def test_after_reopening_both_sides_correct_resubmit_and_it_is_published_again(
    client, withdrawn, coordinator, cso_member, promoter
):
    services.evaluation_reopen(evaluation=withdrawn, by=coordinator, reason=REASON)
    cso_part = withdrawn.parts.get(side=Side.CSO)

    # The CSO corrects its part on its page (carrying the part's new version) and submits.
    client.force_login(cso_member)
    data = {f"part-{name}": value for name, value in FULL_PART.items()}
    response = client.post(
        reverse("evaluations:my_part", args=[withdrawn.pk]),
        {
            **data,
            "part-went_well": "地域の自治会とつながれました（名前を消しました）。",
            "part-edit_version": str(cso_part.version),
            "submit": "1",
        },
    )
    assert response.status_code == 302
    cso_part.refresh_from_db()
    assert cso_part.is_submitted
    assert cso_part.went_well.endswith("（名前を消しました）。")

    # The prefecture corrects and submits its part too.
    prefecture_part = withdrawn.parts.get(side=Side.PREFECTURE)
    services.part_save(
        part=prefecture_part,
        by=promoter,
        data={"lessons": "公開の前に個人の名前がないか確かめます。"},
        expected_version=prefecture_part.version,
    )
    services.part_submit(part=prefecture_part, by=promoter)

    # 県民協働課 publishes again through the admin.
    client.force_login(coordinator)
    client.post(reverse("admin:evaluations_evaluation_publish", args=[withdrawn.pk]))
    withdrawn.refresh_from_db()
    assert withdrawn.status == Evaluation.Status.PUBLISHED
    assert client.get(withdrawn.get_absolute_url()).status_code == 200
    actions = list(withdrawn.transitions.values_list("action", flat=True))
    assert actions[-5:] == [
        EvaluationTransition.Action.WITHDRAWN,
        EvaluationTransition.Action.REOPENED,
        EvaluationTransition.Action.PART_SUBMITTED,
        EvaluationTransition.Action.PART_SUBMITTED,
        EvaluationTransition.Action.PUBLISHED,
    ]


# --- the admin action ----------------------------------------------------------------------------


def reopen_url(evaluation):
    return reverse("admin:evaluations_evaluation_reopen", args=[evaluation.pk])


def test_the_admin_offers_reopening_to_the_coordinator_after_a_withdrawal(
    client, withdrawn, coordinator
):
    client.force_login(coordinator)
    change = reverse("admin:evaluations_evaluation_change", args=[withdrawn.pk])

    assert reopen_url(withdrawn) in client.get(change).text
    page = client.get(reopen_url(withdrawn))
    assert page.status_code == 200
    assert "記入をやり直す理由" in page.text


def test_the_coordinator_reopens_with_a_reason_in_the_admin(client, withdrawn, coordinator):
    client.force_login(coordinator)

    empty = client.post(reopen_url(withdrawn), {"reason": ""})
    assert empty.status_code == 200  # the reason is asked for again
    assert not withdrawn.transitions.filter(action=EvaluationTransition.Action.REOPENED).exists()

    response = client.post(reopen_url(withdrawn), {"reason": REASON})

    assert response.status_code == 302
    entry = withdrawn.transitions.get(action=EvaluationTransition.Action.REOPENED)
    assert (entry.by, entry.comment) == (coordinator, REASON)
    assert not withdrawn.parts.filter(submitted_at__isnull=False).exists()
    change = reverse("admin:evaluations_evaluation_change", args=[withdrawn.pk])
    assert reopen_url(withdrawn) not in client.get(change).text


def test_a_promoter_cannot_reopen_in_the_admin(client, withdrawn, promoter):
    client.force_login(promoter)
    before = snapshot(withdrawn)

    assert client.get(reopen_url(withdrawn)).status_code == 404
    assert client.post(reopen_url(withdrawn), {"reason": REASON}).status_code == 404
    change = reverse("admin:evaluations_evaluation_change", args=[withdrawn.pk])
    assert reopen_url(withdrawn) not in client.get(change).text
    assert snapshot(withdrawn) == before


def test_the_admin_refuses_to_reopen_a_published_evaluation(client, published, coordinator):
    client.force_login(coordinator)
    before = snapshot(published)

    response = client.post(reopen_url(published), {"reason": REASON}, follow=True)

    assert "公開を取り下げた振り返りだけ" in response.text
    assert snapshot(published) == before
