"""Nothing lost: no registered ModelAdmin can hard-delete a record of the portal (archive,
cancel, unpublish or deactivate instead), and staff changes made in the admin are recorded
with who and when."""

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.factories import CSOFactory, UserFactory
from tests.outreach.factories import NewsItemFactory

# The only admin pages that may delete, and why: none of them is a record of the portal's work.
DELETABLE = {
    "axes.AccessAttempt": "ログインの失敗記録。削除するとロックが解けます",
    "axes.AccessLog": "ログインの記録（django-axes）",
    "axes.AccessFailureLog": "ログイン失敗の記録（django-axes）",
    "otp_totp.TOTPDevice": "認証アプリの登録。端末をなくした人の設定を取り消すために削除します",
}
# Inline rows that may be removed while their parent is being set up.
DELETABLE_INLINES = {
    "proposals.ReviewCriterion": (
        "審査項目（採点の前に決める設定）。採点が一つでも入ると、そのテーマ・部署の審査項目は"
        "追加・変更・削除できなくなります（評点が消えず、合計も変わらない。"
        "test_scored_review_criteria_cannot_be_deleted が確かめます）"
    ),
}


@pytest.fixture
def superuser_request(db):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    return request


def test_no_admin_can_delete_a_record_of_the_portal(superuser_request):
    deletable = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if label in DELETABLE:
            continue
        if model_admin.has_delete_permission(superuser_request):
            deletable.append(label)
        elif "delete_selected" in model_admin.get_actions(superuser_request):
            deletable.append(f"{label} (bulk action)")
        for inline in model_admin.get_inline_instances(superuser_request):
            if inline.model._meta.label in DELETABLE_INLINES:
                continue
            if inline.has_delete_permission(superuser_request) and inline.can_delete:
                deletable.append(f"{label} inline {inline.model._meta.label}")

    assert deletable == [], (
        "These admins can hard-delete: give them has_delete_permission → False and an archive "
        f"(or list them in DELETABLE with the reason): {deletable}"
    )


def test_the_walk_covers_every_app_of_the_portal():
    labels = {model._meta.app_label for model in admin.site._registry}

    assert {"kyodo_portal", "cso_registry", "outreach", "advisors", "auth"} <= labels


@pytest.mark.django_db
def test_the_delete_page_itself_is_refused(coordinator, client):
    cso = CSOFactory()
    client.force_login(coordinator)

    response = client.post(reverse("admin:cso_registry_cso_delete", args=[cso.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert type(cso).objects.filter(pk=cso.pk).exists()


@pytest.mark.django_db
def test_a_staff_change_in_the_admin_is_recorded_with_who_and_when(coordinator, client):
    item = NewsItemFactory()
    client.force_login(coordinator)
    url = reverse("admin:outreach_newsitem_change", args=[item.pk])
    local = timezone.localtime(item.published_at)

    response = client.post(
        url,
        {
            "title": "訂正したお知らせ",
            "body": item.body,
            "category": item.category,
            "published_at_0": local.date().isoformat(),
            "published_at_1": local.time().isoformat(timespec="seconds"),
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = LogEntry.objects.get(object_id=str(item.pk), action_flag=CHANGE)
    assert entry.user == coordinator
    assert entry.action_time is not None


@pytest.mark.django_db
def test_unpublishing_news_with_the_bulk_action_is_recorded(coordinator, client):
    items = [NewsItemFactory(), NewsItemFactory()]
    client.force_login(coordinator)

    client.post(
        reverse("admin:outreach_newsitem_changelist"),
        {"action": "unpublish", "_selected_action": [item.pk for item in items]},
    )

    for item in items:
        item.refresh_from_db()
        assert item.published_at is None
        entry = LogEntry.objects.get(object_id=str(item.pk))
        assert (entry.user, entry.action_flag) == (coordinator, CHANGE)


# --- review criteria: deletable only before the first score ------------------------------------


@pytest.fixture
def scored_theme(department, promoter):
    from cso_registry.models import Membership
    from proposals import services
    from proposals.models import Proposal, ReviewCriterion
    from tests.factories import MembershipFactory, ProposalFactory, ThemeFactory
    from tests.proposals.conftest import arrange

    theme = ThemeFactory(department=department)
    criteria = [
        ReviewCriterion.objects.create(theme=theme, name=name, weight=weight, order=i)
        for i, (name, weight) in enumerate([("公益性", 60), ("実現可能性", 40)])
    ]
    member = MembershipFactory(role=Membership.Role.ADMIN).user
    proposal = services.proposal_create(
        proposal=ProposalFactory.build(
            cso=member.memberships.get().cso, theme=theme, department=department
        ),
        by=member,
    )
    proposal = arrange(proposal, Proposal.Status.SUBMITTED, member=member, staff=promoter)
    assignment = services.review_assign(proposal=proposal, reviewer=promoter, by=promoter)
    theme.score = lambda: services.review_submit_scores(
        assignment=assignment, by=promoter, scores={c.pk: (4, "") for c in criteria}
    )
    theme.scored_criteria = criteria
    return theme


def criteria_inline(client, theme):
    page = client.get(reverse("admin:proposals_theme_change", args=[theme.pk]))
    return next(
        f
        for f in page.context["inline_admin_formsets"]
        if f.formset.model._meta.label == "proposals.ReviewCriterion"
    )


def test_review_criteria_are_editable_until_the_first_score(client, scored_theme, promoter):
    client.force_login(promoter)

    inline = criteria_inline(client, scored_theme)

    assert inline.has_delete_permission and inline.has_change_permission


def test_scored_review_criteria_cannot_be_deleted(client, scored_theme, promoter, coordinator):
    from django.db.models import ProtectedError

    scored_theme.score()
    for person in (promoter, coordinator):
        client.force_login(person)
        inline = criteria_inline(client, scored_theme)
        assert not inline.has_delete_permission, person
        assert not inline.has_change_permission, person
        assert not inline.has_add_permission, person
    # And underneath, the database refuses too (ReviewScore.criterion is PROTECT).
    with pytest.raises(ProtectedError):
        scored_theme.scored_criteria[0].delete()


def test_a_criterion_scored_after_the_page_was_opened_is_not_deleted(db, scored_theme):
    from django.forms import inlineformset_factory

    from proposals.admin import SCORED_CRITERIA_MESSAGE, CriteriaFormSet
    from proposals.models import ReviewCriterion, Theme

    FormSet = inlineformset_factory(
        Theme,
        ReviewCriterion,
        formset=CriteriaFormSet,
        fk_name="theme",
        fields=["order", "name", "description", "weight"],
        extra=0,
        can_delete=True,
    )
    data = {"criteria-TOTAL_FORMS": "2", "criteria-INITIAL_FORMS": "2"}
    for index, criterion in enumerate(scored_theme.scored_criteria):
        data.update(
            {
                f"criteria-{index}-id": str(criterion.pk),
                f"criteria-{index}-order": str(criterion.order),
                f"criteria-{index}-name": criterion.name,
                f"criteria-{index}-weight": "100" if index == 0 else str(criterion.weight),
            }
        )
    data["criteria-1-DELETE"] = "on"
    scored_theme.score()  # a reviewer submitted while the page was open

    formset = FormSet(data, instance=scored_theme, prefix="criteria")

    assert not formset.is_valid()
    assert str(SCORED_CRITERIA_MESSAGE) in formset.non_form_errors()
    assert ReviewCriterion.objects.filter(theme=scored_theme).count() == 2
