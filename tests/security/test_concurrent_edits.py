"""Two people editing the same CSO profile: the second save is refused with a clear message
instead of silently overwriting the first (a version number checked on save, and checked again
under the row lock)."""

import time

import pytest
from django.db import connection
from django.urls import reverse

from cso_registry import services
from cso_registry.models import CSO, CSOHistoryEntry, Membership
from tests.cso_registry.conftest import valid_profile
from tests.cso_registry.test_concurrency import run_together
from tests.factories import CSOFactory, MembershipFactory


@pytest.fixture
def cso(db):
    return CSOFactory(status=CSO.Status.PUBLISHED)


@pytest.fixture
def two_members(cso):
    return [MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user for _ in range(2)]


def opened_form(client, url):
    return client.get(url).context["form"]["edit_version"].value()


@pytest.mark.django_db
def test_the_second_of_two_saves_is_refused_and_the_first_is_kept(cso, two_members, client):
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(two_members[0])
    second.force_login(two_members[1])
    url = reverse("account:cso_edit", args=[cso.pk])
    version_first, version_second = opened_form(first, url), opened_form(second, url)
    assert version_first == version_second == 1

    saved = first.post(url, valid_profile(description="最初の人の説明", edit_version=version_first))
    refused = second.post(
        url, valid_profile(description="二人目の説明", edit_version=version_second)
    )

    assert saved.status_code == 302
    assert refused.status_code == 200
    assert "別の人が保存しました" in refused.text
    assert "data-error-summary" in refused.text
    cso.refresh_from_db()
    assert cso.description == "最初の人の説明"
    assert cso.version == 2
    assert cso.history.filter(action=CSOHistoryEntry.Action.UPDATED).count() == 1
    # Opened again, the form carries the new version and the change goes through.
    again = opened_form(second, url)
    assert (
        second.post(url, valid_profile(description="二人目の説明", edit_version=again)).status_code
        == 302
    )
    cso.refresh_from_db()
    assert (cso.description, cso.version) == ("二人目の説明", 3)


@pytest.mark.django_db
def test_a_save_without_changes_keeps_the_version(cso, two_members, client):
    client.force_login(two_members[0])
    url = reverse("account:cso_edit", args=[cso.pk])
    client.post(url, valid_profile(edit_version=1))
    cso.refresh_from_db()
    version = cso.version

    client.post(url, valid_profile(edit_version=version))

    cso.refresh_from_db()
    assert cso.version == version


@pytest.mark.django_db
def test_the_service_refuses_a_stale_version_under_the_lock(cso, two_members):
    services.cso_update(
        cso=cso, by=two_members[0], data={"description": "一つ目"}, expected_version=1
    )

    with pytest.raises(services.EditConflict):
        services.cso_update(
            cso=cso, by=two_members[1], data={"description": "二つ目"}, expected_version=1
        )

    cso.refresh_from_db()
    assert (cso.description, cso.version) == ("一つ目", 2)


@pytest.mark.django_db
def test_a_staff_edit_in_the_admin_on_an_old_version_is_refused(
    cso, two_members, coordinator, client
):
    client.force_login(coordinator)
    url = reverse("admin:cso_registry_cso_change", args=[cso.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "description": "県の代理入力",
            "activity_fields": [f.pk for f in cso.activity_fields.all()],
            "areas": [a.pk for a in cso.areas.all()],
            "contact_public": "",
        }
    )
    for prefix in ("survey_answers", "memberships", "history"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    services.cso_update(cso=cso, by=two_members[0], data={"description": "団体の更新"})

    response = client.post(url, data)

    assert response.status_code == 200
    assert "別の人が保存しました" in response.text
    cso.refresh_from_db()
    assert cso.description == "団体の更新"


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_one_wins_and_one_history_entry(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE) need PostgreSQL")
    cso = CSOFactory(status=CSO.Status.PUBLISHED)
    first, second = (MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user for _ in range(2))
    real_record = services._record

    def slow_record(**kwargs):
        time.sleep(0.3)  # hold the row lock so the other save surely waits on it
        return real_record(**kwargs)

    monkeypatch.setattr(services, "_record", slow_record)

    outcomes = run_together(
        (
            "first",
            lambda: services.cso_update(
                cso=cso, by=first, data={"description": "A"}, expected_version=1
            ),
        ),
        (
            "second",
            lambda: services.cso_update(
                cso=cso, by=second, data={"description": "B"}, expected_version=1
            ),
        ),
    )

    assert sorted(outcomes.values(), key=lambda v: v != "ok")[0] == "ok"
    assert list(outcomes.values()).count("ok") == 1
    cso.refresh_from_db()
    assert cso.version == 2
    assert cso.history.filter(action=CSOHistoryEntry.Action.UPDATED).count() == 1
