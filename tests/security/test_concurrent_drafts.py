"""Two people editing the same proposal draft, or the same side's evaluation draft: the second
save is refused with a clear Japanese message instead of silently overwriting the first (a
version number carried by the form, checked in the form and again under the row lock)."""

import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cso_registry.models import Membership
from evaluations import services as evaluation_services
from evaluations.models import Side
from proposals import services
from proposals.models import Proposal
from tests.concurrency import run_together
from tests.evaluations.conftest import FULL_PART, make_agreement
from tests.factories import CSOFactory, MembershipFactory, ProposalFactory
from tests.security.test_rights_follow_status import proposal_form_data

CONFLICT = "別の人が保存しました"


@pytest.fixture
def two_members(db):
    cso = CSOFactory()
    return [MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user for _ in range(2)]


@pytest.fixture
def draft(two_members, department):
    first = two_members[0]
    proposal = ProposalFactory.build(cso=first.memberships.get().cso, department=department)
    return services.proposal_create(proposal=proposal, by=first)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def opened_version(client, url):
    return client.get(url).context["form"]["edit_version"].value()


# --- the proposal draft -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_second_of_two_saves_of_a_draft_is_refused_and_the_first_is_kept(draft, two_members):
    first, second = (signed_in(user) for user in two_members)
    url = reverse("proposals:my_edit", args=[draft.pk])
    assert opened_version(first, url) == opened_version(second, url) == 1
    assert 'name="edit_version" value="1"' in first.get(url).text

    saved = first.post(
        url, proposal_form_data(draft, two_members[0], title="一人目の題名", edit_version=1)
    )
    refused = second.post(
        url, proposal_form_data(draft, two_members[1], title="二人目の題名", edit_version=1)
    )

    assert saved.status_code == 302
    assert refused.status_code == 200
    assert CONFLICT in refused.text
    assert "data-error-summary" in refused.text
    assert 'value="二人目の題名"' in refused.text  # what the second person wrote is not lost
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("一人目の題名", 2)
    # Opened again, the page carries the new version and the change goes through.
    again = opened_version(second, url)
    assert again == 2
    assert (
        second.post(
            url, proposal_form_data(draft, two_members[1], title="二人目の題名", edit_version=again)
        ).status_code
        == 302
    )
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("二人目の題名", 3)


@pytest.mark.django_db
def test_a_save_without_changes_keeps_the_draft_version(draft, two_members):
    client = signed_in(two_members[0])
    url = reverse("proposals:my_edit", args=[draft.pk])

    client.post(url, proposal_form_data(draft, two_members[0], edit_version=1))

    draft.refresh_from_db()
    assert draft.version == 1


@pytest.mark.django_db
def test_the_service_refuses_a_stale_draft_version_under_the_lock(draft, two_members):
    draft.title = "一つ目"
    services.proposal_update(
        proposal=draft, by=two_members[0], fields=["title"], expected_version=1
    )

    stale = Proposal.objects.get(pk=draft.pk)
    stale.title = "二つ目"
    with pytest.raises(services.EditConflict) as refused:
        services.proposal_update(
            proposal=stale, by=two_members[1], fields=["title"], expected_version=1
        )

    assert CONFLICT in refused.value.message
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("一つ目", 2)


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_a_draft_at_the_same_moment_one_wins(department, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE) need PostgreSQL")
    cso = CSOFactory()
    first, second = (MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user for _ in range(2))
    draft = services.proposal_create(
        proposal=ProposalFactory.build(cso=cso, department=department), by=first
    )
    real_check = services._require_cso_member

    def slow_check(user, proposal):
        time.sleep(0.3)  # hold the row lock so the other save surely waits on it
        return real_check(user, proposal)

    monkeypatch.setattr(services, "_require_cso_member", slow_check)

    def save(user, title):
        proposal = Proposal.objects.get(pk=draft.pk)
        proposal.title = title
        services.proposal_update(proposal=proposal, by=user, fields=["title"], expected_version=1)

    outcomes = run_together(
        ("first", lambda: save(first, "A")), ("second", lambda: save(second, "B"))
    )

    assert sorted(outcomes) == ["first", "second"]
    assert list(outcomes.values()).count("ok") == 1
    refused = next(value for value in outcomes.values() if value != "ok")
    assert CONFLICT in refused
    winner = next(name for name, value in outcomes.items() if value == "ok")
    draft.refresh_from_db()
    assert draft.version == 2
    assert draft.title == {"first": "A", "second": "B"}[winner]


# --- the evaluation's draft parts -------------------------------------------------------------


@pytest.fixture
def evaluation(department, promoter):
    agreement = make_agreement(department=department)
    evaluation = evaluation_services.evaluation_start(agreement=agreement, by=promoter)
    cso = agreement.current_version.parties.get().cso
    evaluation.members = [
        MembershipFactory(cso=cso, role=Membership.Role.MEMBER).user for _ in range(2)
    ]
    return evaluation


def part_data(version, **changes):
    data = {**FULL_PART, **changes, "edit_version": version}
    return {f"part-{name}": value for name, value in data.items()}


@pytest.mark.django_db
def test_the_second_of_two_saves_of_a_part_is_refused_and_the_first_is_kept(evaluation):
    first, second = (signed_in(user) for user in evaluation.members)
    detail = reverse("evaluations:my_detail", args=[evaluation.pk])
    url = reverse("evaluations:my_part", args=[evaluation.pk])
    versions = [c.get(detail).context["part_form"]["edit_version"].value() for c in (first, second)]
    assert versions == [1, 1]
    assert 'name="part-edit_version" value="1"' in first.get(detail).text

    saved = first.post(url, part_data(1, lessons="一人目の教訓"))
    refused = second.post(url, part_data(1, lessons="二人目の教訓"))

    assert saved.status_code == 302
    assert refused.status_code == 400
    assert CONFLICT in refused.text
    assert "二人目の教訓" in refused.text
    part = evaluation.parts.get(side=Side.CSO)
    assert (part.lessons, part.version) == ("一人目の教訓", 2)
    assert second.post(url, part_data(2, lessons="二人目の教訓")).status_code == 302
    part.refresh_from_db()
    assert (part.lessons, part.version) == ("二人目の教訓", 3)


@pytest.mark.django_db
def test_the_part_service_refuses_a_stale_version_under_the_lock(evaluation):
    part = evaluation.parts.get(side=Side.CSO)
    first, second = evaluation.members
    evaluation_services.part_save(
        part=part, by=first, data={"lessons": "一つ目"}, expected_version=1
    )

    with pytest.raises(evaluation_services.EditConflict):
        evaluation_services.part_save(
            part=part, by=second, data={"lessons": "二つ目"}, expected_version=1
        )

    part.refresh_from_db()
    assert (part.lessons, part.version) == ("一つ目", 2)


@pytest.mark.django_db
def test_a_stale_prefecture_part_in_the_admin_is_refused(evaluation, promoter, coordinator):
    part = evaluation.parts.get(side=Side.PREFECTURE)
    client = signed_in(promoter)
    url = reverse("admin:evaluations_evaluation_change", args=[evaluation.pk])
    page = client.get(url)
    inline = next(
        f.formset
        for f in page.context["inline_admin_formsets"]
        if f.formset.model.__name__ == "EvaluationPart"
    )
    prefix = inline.prefix
    assert f'name="{prefix}-0-edit_version"' in page.text  # the page really carries it
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1",
        f"{prefix}-0-id": str(part.pk),
        f"{prefix}-0-evaluation": str(evaluation.pk),
        f"{prefix}-0-edit_version": inline.forms[0]["edit_version"].value(),
        **{
            f"{prefix}-0-{name}": value
            for name, value in {**FULL_PART, "lessons": "推進員Aの教訓"}.items()
        },
    }
    for other in page.context["inline_admin_formsets"]:
        if other.formset.prefix != prefix:
            data.update(
                {
                    f"{other.formset.prefix}-{key}": value
                    for key, value in other.formset.management_form.initial.items()
                }
            )
    # Meanwhile 県民協働課 saved the prefecture's part.
    evaluation_services.part_save(part=part, by=coordinator, data={"lessons": "県民協働課の教訓"})

    response = client.post(url, data)

    assert response.status_code == 200
    assert CONFLICT in response.text
    part.refresh_from_db()
    assert part.lessons == "県民協働課の教訓"
