import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from kyodo_portal.errors import ActorNotAllowed, DomainError, TransitionNotAllowed
from kyodo_portal.roles import Role
from proposals import services
from proposals.models import Proposal, ReviewScore
from tests.factories import ProposalFactory, ThemeFactory, UserFactory
from tests.proposals.conftest import arrange

S = Proposal.Status


@pytest.fixture
def second_reviewer(department):
    user = UserFactory(is_staff=True, department=department, full_name="審査 次郎")
    user.groups.add(Group.objects.get(name=Role.PROMOTER))
    return user


@pytest.fixture
def submitted(proposal_in, department_criteria):
    return proposal_in(S.SUBMITTED)


def all_scores(criteria, value, comment=""):
    return {c.pk: (value, comment) for c in criteria}


@pytest.mark.django_db
def test_a_reviewer_scores_every_criterion_and_gets_a_total_out_of_100(
    submitted, promoter, department_criteria
):
    assignment = services.review_assign(proposal=submitted, reviewer=promoter, by=promoter)

    services.review_submit_scores(
        assignment=assignment, by=promoter, scores=all_scores(department_criteria, 4, "良い")
    )

    annotated = Proposal.objects.with_review_totals().get(pk=submitted.pk)
    assert annotated.review_count == 1
    assert annotated.review_points / ReviewScore.MAX_VALUE == 80
    assert ReviewScore.objects.filter(assignment=assignment).count() == 5


@pytest.mark.django_db
def test_scores_cannot_be_changed_once_in(submitted, promoter, department_criteria):
    assignment = services.review_assign(proposal=submitted, reviewer=promoter, by=promoter)
    services.review_submit_scores(
        assignment=assignment, by=promoter, scores=all_scores(department_criteria, 3)
    )

    with pytest.raises(TransitionNotAllowed):
        services.review_submit_scores(
            assignment=assignment, by=promoter, scores=all_scores(department_criteria, 5)
        )


@pytest.mark.django_db
def test_only_the_assigned_reviewer_may_score(
    submitted, promoter, second_reviewer, department_criteria
):
    assignment = services.review_assign(proposal=submitted, reviewer=promoter, by=promoter)

    with pytest.raises(ActorNotAllowed):
        services.review_submit_scores(
            assignment=assignment, by=second_reviewer, scores=all_scores(department_criteria, 5)
        )


@pytest.mark.django_db
def test_every_criterion_needs_a_score(submitted, promoter, department_criteria):
    assignment = services.review_assign(proposal=submitted, reviewer=promoter, by=promoter)
    partial = all_scores(department_criteria[:-1], 4)

    with pytest.raises(DomainError, match="費用の妥当性"):
        services.review_submit_scores(assignment=assignment, by=promoter, scores=partial)

    assert not ReviewScore.objects.exists()


@pytest.mark.django_db
def test_scoring_is_refused_while_the_weights_do_not_add_up_to_100(
    submitted, promoter, department_criteria
):
    department_criteria[0].weight = 10
    department_criteria[0].save()
    assignment = services.review_assign(proposal=submitted, reviewer=promoter, by=promoter)

    with pytest.raises(DomainError, match="100"):
        services.review_submit_scores(
            assignment=assignment, by=promoter, scores=all_scores(department_criteria, 4)
        )


@pytest.mark.django_db
def test_a_reviewer_must_be_staff_of_the_department(submitted, promoter, other_promoter):
    with pytest.raises(ActorNotAllowed):
        services.review_assign(proposal=submitted, reviewer=other_promoter, by=promoter)


@pytest.mark.django_db
def test_a_reviewer_sees_the_others_scores_only_after_their_own(
    client, submitted, promoter, second_reviewer, department_criteria
):
    first = services.review_assign(proposal=submitted, reviewer=promoter, by=promoter)
    services.review_assign(proposal=submitted, reviewer=second_reviewer, by=promoter)
    services.review_submit_scores(
        assignment=first, by=promoter, scores=all_scores(department_criteria, 5, "先行の所見")
    )
    url = reverse("admin:proposals_proposal_change", args=[submitted.pk])
    client.force_login(second_reviewer)

    before = client.get(url).content.decode()
    assert "先行の所見" not in before
    assert "自分の採点を終えると見られます" in before

    client.post(
        reverse("admin:proposals_proposal_review", args=[submitted.pk]),
        {
            **{f"value_{c.pk}": "3" for c in department_criteria},
            **{f"comment_{c.pk}": "" for c in department_criteria},
        },
    )
    after = client.get(url).content.decode()
    assert "先行の所見" in after
    assert "平均 80.0 点" in after


@pytest.mark.django_db
def test_scores_never_reach_the_cso(client, submitted, promoter, cso_member, department_criteria):
    assignment = services.review_assign(proposal=submitted, reviewer=promoter, by=promoter)
    services.review_submit_scores(
        assignment=assignment, by=promoter, scores=all_scores(department_criteria, 2, "審査メモ")
    )
    client.force_login(cso_member)

    html = client.get(submitted.get_absolute_url()).content.decode()

    assert "審査メモ" not in html
    assert "公益性" not in html


@pytest.mark.django_db
def test_the_ranking_orders_a_themes_proposals_by_average(client, promoter, department, cso_member):
    theme = ThemeFactory(department=department)
    for i, (name, weight) in enumerate([("公益性", 50), ("実現可能性", 50)]):
        theme.criteria.create(name=name, weight=weight, order=i)
    criteria = list(theme.criteria.all())
    proposals = {}
    for title, value in [("低い提案", 2), ("高い提案", 5), ("未採点の提案", None)]:
        proposal = ProposalFactory(theme=theme, department=department, title=title)
        proposal = arrange(proposal, S.SUBMITTED, member=proposal.created_by, staff=promoter)
        if value is not None:
            assignment = services.review_assign(proposal=proposal, reviewer=promoter, by=promoter)
            services.review_submit_scores(
                assignment=assignment, by=promoter, scores=all_scores(criteria, value)
            )
        proposals[title] = proposal
    client.force_login(promoter)

    response = client.get(reverse("admin:proposals_theme_ranking", args=[theme.pk]))

    titles = [row["proposal"].title for row in response.context["rows"]]
    assert titles == ["高い提案", "低い提案", "未採点の提案"]
    assert [row["average"] for row in response.context["rows"]] == [100.0, 40.0, None]


@pytest.mark.django_db
def test_the_proposal_list_sorts_the_average_column_by_the_average_not_the_sum(
    client, promoter, second_reviewer, department
):
    """One reviewer gave 100; two reviewers gave 60 each (sum 120, average 60)."""
    theme = ThemeFactory(department=department)
    criterion = theme.criteria.create(name="公益性", weight=100, order=0)
    ranked = []
    for title, values in [("一人が高く採点", [5]), ("二人が中ほどに採点", [3, 3])]:
        proposal = ProposalFactory(theme=theme, department=department, title=title)
        proposal = arrange(proposal, S.SUBMITTED, member=proposal.created_by, staff=promoter)
        for reviewer, value in zip([promoter, second_reviewer], values, strict=False):
            assignment = services.review_assign(proposal=proposal, reviewer=reviewer, by=promoter)
            ReviewScore.objects.create(assignment=assignment, criterion=criterion, value=value)
            assignment.completed_at = assignment.assigned_at
            assignment.save(update_fields=["completed_at"])
        ranked.append(title)
    client.force_login(promoter)
    columns = client.get(reverse("admin:proposals_proposal_changelist")).context["cl"]
    column = list(columns.list_display).index("review_average")

    ascending = client.get(reverse("admin:proposals_proposal_changelist"), {"o": str(column)})

    titles = [p.title for p in ascending.context["cl"].result_list]
    assert titles == ["二人が中ほどに採点", "一人が高く採点"]
