import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from proposals import services
from proposals.models import ConsultationEntry, Proposal, ReviewCriterion
from tests.factories import ProposalFactory, ThemeFactory
from tests.proposals.conftest import arrange

S = Proposal.Status


@pytest.fixture
def others_proposal(other_department, other_promoter):
    """A submitted proposal addressed to another department."""
    proposal = ProposalFactory(department=other_department, title="よその部署の提案")
    member = proposal.created_by
    return arrange(proposal, S.SUBMITTED, member=member, staff=other_promoter)


def change_url(proposal):
    return reverse("admin:proposals_proposal_change", args=[proposal.pk])


def inline_post_data(client, url, **extra):
    """The change form's data as the browser would send it back, plus ``extra``."""
    response = client.get(url)
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name, field in management.fields.items():
            data[f"{management.prefix}-{name}"] = management.initial.get(name, field.initial)
    data.update(extra)
    return data


@pytest.mark.django_db
def test_promoter_lists_only_their_departments_proposals_with_pinned_queries(
    client, proposal_in, promoter, others_proposal, django_assert_max_num_queries
):
    mine = proposal_in(S.SUBMITTED)
    client.force_login(promoter)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:proposals_proposal_changelist"))

    html = response.content.decode()
    assert response.status_code == 200
    assert mine.title in html
    assert others_proposal.title not in html


@pytest.mark.django_db
def test_changelist_query_count_does_not_grow_with_rows(
    client, proposal_in, promoter, department, cso_member, django_assert_max_num_queries
):
    proposal_in(S.SUBMITTED)
    client.force_login(promoter)
    client.get(reverse("admin:proposals_proposal_changelist"))
    for _ in range(10):
        extra = ProposalFactory(department=department)
        arrange(extra, S.SUBMITTED, member=extra.created_by, staff=promoter)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:proposals_proposal_changelist"))

    assert response.context["cl"].result_count == 11


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    [
        "admin:proposals_proposal_change",
        "admin:proposals_proposal_history",
        "admin:proposals_proposal_review",
    ],
)
def test_promoter_gets_404_on_another_departments_proposal(
    client, promoter, others_proposal, url_name
):
    client.force_login(promoter)

    response = client.get(reverse(url_name, args=[others_proposal.pk]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_promoter_cannot_move_another_departments_proposal_by_its_url(
    client, promoter, others_proposal
):
    client.force_login(promoter)
    url = reverse("admin:proposals_proposal_transition", args=[others_proposal.pk, "reject"])

    response = client.post(url, {"apply": "1", "comment": "勝手に不採択"})

    assert response.status_code == 404
    others_proposal.refresh_from_db()
    assert others_proposal.status == S.SUBMITTED


@pytest.mark.django_db
def test_promoter_cannot_act_on_another_departments_proposal_by_bulk_action(
    client, promoter, proposal_in, others_proposal
):
    mine = proposal_in(S.SUBMITTED)
    client.force_login(promoter)

    client.post(
        reverse("admin:proposals_proposal_changelist"),
        {
            "action": "action_start_consultation",
            ACTION_CHECKBOX_NAME: [mine.pk, others_proposal.pk],
            "apply": "1",
            "comment": "",
        },
    )

    mine.refresh_from_db()
    others_proposal.refresh_from_db()
    assert mine.status == S.IN_CONSULTATION
    assert others_proposal.status == S.SUBMITTED
    assert not others_proposal.transitions.filter(by=promoter).exists()


@pytest.mark.django_db
def test_a_draft_stays_invisible_to_the_department_until_pre_consultation(client, draft, promoter):
    client.force_login(promoter)

    assert client.get(change_url(draft)).status_code == 404
    services.proposal_open_pre_consultation(
        proposal=draft, by=draft.created_by, text="相談があります。"
    )
    assert client.get(change_url(draft)).status_code == 200


@pytest.mark.django_db
def test_coordinator_sees_every_department(client, coordinator, proposal_in, others_proposal):
    mine = proposal_in(S.SUBMITTED)
    client.force_login(coordinator)

    html = client.get(reverse("admin:proposals_proposal_changelist")).content.decode()

    assert mine.title in html and others_proposal.title in html


@pytest.mark.django_db
def test_bulk_return_asks_for_a_comment_on_an_intermediate_page(client, promoter, proposal_in):
    proposal = proposal_in(S.SUBMITTED)
    client.force_login(promoter)
    changelist = reverse("admin:proposals_proposal_changelist")
    chosen = {"action": "action_return", ACTION_CHECKBOX_NAME: [proposal.pk]}

    page = client.post(changelist, chosen)
    assert page.status_code == 200
    assert "このコメントは団体にも表示され" in page.content.decode()

    without_comment = client.post(changelist, {**chosen, "apply": "1", "comment": ""})
    assert without_comment.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED

    client.post(changelist, {**chosen, "apply": "1", "comment": "事業費の根拠を補ってください。"})
    proposal.refresh_from_db()
    assert proposal.status == S.RETURNED
    assert proposal.transitions.last().comment == "事業費の根拠を補ってください。"


@pytest.mark.django_db
def test_a_bulk_action_refuses_proposals_in_the_wrong_state_and_says_why(
    client, promoter, proposal_in
):
    proposal = proposal_in(S.IN_CONSULTATION)
    client.force_login(promoter)

    response = client.post(
        reverse("admin:proposals_proposal_changelist"),
        {
            "action": "action_start_consultation",
            ACTION_CHECKBOX_NAME: [proposal.pk],
            "apply": "1",
            "comment": "",
        },
        follow=True,
    )

    proposal.refresh_from_db()
    assert proposal.status == S.IN_CONSULTATION
    assert "できません" in response.content.decode()


@pytest.mark.django_db
def test_the_change_page_offers_the_transitions_of_the_current_state(client, promoter, proposal_in):
    proposal = proposal_in(S.IN_CONSULTATION)
    client.force_login(promoter)

    html = client.get(change_url(proposal)).content.decode()

    assert reverse("admin:proposals_proposal_transition", args=[proposal.pk, "agree"]) in html
    assert (
        reverse("admin:proposals_proposal_transition", args=[proposal.pk, "start_consultation"])
        not in html
    )


@pytest.mark.django_db
def test_agree_from_the_change_page(client, promoter, proposal_in):
    proposal = proposal_in(S.IN_CONSULTATION)
    client.force_login(promoter)
    url = reverse("admin:proposals_proposal_transition", args=[proposal.pk, "agree"])

    response = client.post(url, {"apply": "1", "comment": ""})

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.AGREED


@pytest.mark.django_db(transaction=True)
def test_staff_adds_an_internal_entry_inline_and_the_cso_is_not_told(client, promoter, proposal_in):
    proposal = proposal_in(S.IN_CONSULTATION)
    mail.outbox.clear()
    client.force_login(promoter)
    url = change_url(proposal)
    data = inline_post_data(
        client,
        url,
        **{
            "consultations-2-TOTAL_FORMS": "1",
            "consultations-2-0-occurred_on": "2026-11-20",
            "consultations-2-0-kind": "meeting",
            "consultations-2-0-visibility": "internal",
            "consultations-2-0-text": "課内で予算の見込みを確認した。",
        },
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    entry = ConsultationEntry.objects.get(proposal=proposal)
    assert (entry.visibility, entry.by_prefecture, entry.author) == ("internal", True, promoter)
    assert mail.outbox == []


@pytest.mark.django_db
def test_staff_cannot_add_an_entry_to_a_closed_proposal(client, promoter, proposal_in):
    proposal = proposal_in(S.REJECTED)
    client.force_login(promoter)
    url = change_url(proposal)

    page = client.get(url).content.decode()
    client.post(
        url,
        inline_post_data(
            client,
            url,
            **{
                "consultations-2-TOTAL_FORMS": "1",
                "consultations-2-0-occurred_on": "2026-11-20",
                "consultations-2-0-kind": "message",
                "consultations-2-0-visibility": "shared",
                "consultations-2-0-text": "追記",
            },
        ),
    )

    assert 'name="consultations-2-0-text"' not in page
    assert not ConsultationEntry.objects.filter(proposal=proposal).exists()
    with pytest.raises(services.TransitionNotAllowed):
        services.consultation_post(proposal=proposal, by=promoter, text="追記")


@pytest.mark.django_db
def test_promoter_creates_themes_for_their_own_department_only(
    client, promoter, department, other_department
):
    client.force_login(promoter)
    add = reverse("admin:proposals_theme_add")
    base = {
        "kind": "call",
        "title": "地域の見守り",
        "status": "published",
        "background": "背景",
        "wanted": "求める提案",
        "offered_forms": ["cooperation"],
        "opens_on": "2026-04-01",
        "closes_on": "2026-06-30",
        "budget_note": "",
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }

    refused = client.post(add, {**base, "department": other_department.pk})
    accepted = client.post(add, {**base, "department": department.pk})

    assert refused.status_code == 200
    assert accepted.status_code == 302
    theme = department.themes.get()
    assert (theme.created_by, theme.offered_forms) == (promoter, ["cooperation"])
    assert not other_department.themes.exists()


@pytest.mark.django_db
def test_theme_criteria_weights_must_add_up_to_100(client, promoter, department):
    theme = ThemeFactory(department=department)
    client.force_login(promoter)
    url = reverse("admin:proposals_theme_change", args=[theme.pk])
    data = {
        "department": department.pk,
        "kind": "call",
        "title": theme.title,
        "status": "published",
        "background": "背景",
        "wanted": "求める提案",
        "offered_forms": ["cooperation"],
        "opens_on": theme.opens_on.isoformat(),
        "closes_on": theme.closes_on.isoformat(),
        "budget_note": "",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-order": "1",
        "criteria-0-name": "公益性",
        "criteria-0-weight": "60",
        "criteria-1-order": "2",
        "criteria-1-name": "実現可能性",
        "criteria-1-weight": "30",
    }

    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "合計を 100" in refused.content.decode()
    assert not theme.criteria.exists()

    accepted = client.post(url, {**data, "criteria-1-weight": "40"})
    assert accepted.status_code == 302
    assert sum(theme.criteria.values_list("weight", flat=True)) == 100


@pytest.mark.django_db
def test_promoter_gets_404_on_another_departments_theme(client, promoter, other_department):
    theme = ThemeFactory(department=other_department)
    client.force_login(promoter)

    response = client.get(reverse("admin:proposals_theme_change", args=[theme.pk]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_free_proposal_criteria_are_edited_per_department(client, promoter, department):
    client.force_login(promoter)

    listing = client.get(reverse("admin:proposals_freeproposalreview_changelist"))

    assert list(listing.context["cl"].result_list) == [department]
    assert ReviewCriterion.objects.count() == 0


@pytest.mark.django_db
def test_the_theme_filter_lists_the_20_latest_themes_and_keeps_an_older_chosen_one(
    client, promoter, department
):
    import datetime

    themes = [
        ThemeFactory(
            department=department,
            title=f"テーマ{number:02d}",
            opens_on=datetime.date(2020, 4, 1) + datetime.timedelta(days=number),
        )
        for number in range(25)
    ]
    client.force_login(promoter)
    url = reverse("admin:proposals_proposal_changelist")

    listed = client.get(url).content.decode()
    chosen = client.get(url, {"theme": themes[0].pk}).content.decode()

    assert "テーマ24" in listed and "テーマ05" in listed
    assert "テーマ04" not in listed and "テーマ00" not in listed
    assert "テーマ00" in chosen
