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
    "proposals.ReviewCriterion": "審査項目（採点の前に決める設定）。採点後の扱いは proposals の担当が確認中",
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
