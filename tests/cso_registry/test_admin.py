import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cso_registry.models import CSO, CSOHistoryEntry, Membership
from tests.cso_registry.test_survey_import import csv_bytes, good_rows
from tests.factories import CSOFactory, MembershipFactory

CHANGELIST = "admin:cso_registry_cso_changelist"


@pytest.mark.django_db(transaction=True)
def test_the_coordinator_publishes_with_a_reason_via_the_list_action(client, coordinator):
    cso = CSOFactory(status=CSO.Status.PENDING)
    admin_user = MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user
    client.force_login(coordinator)
    url = reverse(CHANGELIST)

    form_page = client.post(url, {"action": "publish_selected", "_selected_action": [cso.pk]})
    assert form_page.status_code == 200
    assert "理由" in form_page.content.decode()
    cso.refresh_from_db()
    assert cso.status == CSO.Status.PENDING  # nothing happens before the confirmation

    client.post(
        url,
        {
            "action": "publish_selected",
            "_selected_action": [cso.pk],
            "confirm": "1",
            "reason": "電話で活動実態を確認しました。",
        },
    )

    cso.refresh_from_db()
    assert cso.status == CSO.Status.PUBLISHED
    assert cso.verified_on is not None
    entry = cso.history.get(action=CSOHistoryEntry.Action.PUBLISHED)
    assert entry.by == coordinator and entry.comment == "電話で活動実態を確認しました。"
    assert [m.to for m in mail.outbox] == [[admin_user.email]]


@pytest.mark.django_db
def test_hiding_needs_a_reason(client, coordinator, cso):
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:cso_registry_cso_status", args=[cso.pk, "hidden"]),
        {"confirm": "1", "reason": ""},
    )

    assert response.status_code == 200
    assert "reason" in response.context_data["form"].errors
    cso.refresh_from_db()
    assert cso.status == CSO.Status.PUBLISHED


@pytest.mark.django_db
def test_the_coordinator_hides_a_cso_and_it_leaves_every_public_page(client, coordinator, cso):
    client.force_login(coordinator)

    client.post(
        reverse("admin:cso_registry_cso_status", args=[cso.pk, "hidden"]),
        {"confirm": "1", "reason": "活動休止の連絡がありました。"},
    )

    cso.refresh_from_db()
    assert cso.status == CSO.Status.HIDDEN
    assert cso.history.get().comment == "活動休止の連絡がありました。"
    client.logout()
    assert client.get(reverse("cso_registry:detail", args=[cso.pk])).status_code == 404
    assert (
        cso.name
        not in b"".join(client.get(reverse("cso_registry:export_csv")).streaming_content).decode()
    )


@pytest.mark.django_db
def test_a_promoter_may_not_publish(client, promoter):
    cso = CSOFactory(status=CSO.Status.PENDING)
    client.force_login(promoter)

    changelist = client.get(reverse(CHANGELIST))
    assert changelist.status_code == 200
    assert "publish_selected" not in changelist.content.decode()
    response = client.post(
        reverse("admin:cso_registry_cso_status", args=[cso.pk, "published"]),
        {"confirm": "1", "reason": "x"},
    )
    assert response.status_code == 403
    cso.refresh_from_db()
    assert cso.status == CSO.Status.PENDING


@pytest.mark.django_db
def test_a_promoter_edit_in_the_admin_is_recorded_as_assisted_entry(client, promoter, cso):
    client.force_login(promoter)
    url = reverse("admin:cso_registry_cso_change", args=[cso.pk])
    data = {
        "edit_version": cso.version,  # carried by the page, as a browser sends it
        "name": cso.name,
        "furigana": "サガシミンカツドウダンタイ",
        "kind": cso.kind,
        "corporate_number": "",
        "founded_on": "",
        "member_count": "55",
        "description": cso.description,
        "activity_fields": [],
        "areas": [],
        "website": "",
        "municipality": cso.municipality_id,
        "postal_code": "８４０８５７０",
        "address": "",
        "representative_name": "",
        "phone": "",
        "email": "",
        **{
            f"{prefix}-{key}": value
            for prefix in ("survey_answers", "memberships", "history")
            for key, value in {
                "TOTAL_FORMS": "0",
                "INITIAL_FORMS": "0",
                "MIN_NUM_FORMS": "0",
                "MAX_NUM_FORMS": "1000",
            }.items()
        },
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    cso.refresh_from_db()
    assert cso.member_count == 55
    assert cso.postal_code == "840-8570"
    entry = cso.history.get()
    assert entry.assisted and entry.by == promoter
    assert {change["field"] for change in entry.changes} == {
        "furigana",
        "member_count",
        "postal_code",
    }
    assert cso.status == CSO.Status.PUBLISHED  # the form cannot touch the status


@pytest.mark.django_db
def test_the_admin_searches_name_furigana_in_hiragana_and_corporate_number(client, coordinator):
    CSOFactory(name="有明海の会", furigana="アリアケカイノカイ", corporate_number="7123456789012")
    CSOFactory(name="別の会", furigana="ベツノカイ")
    client.force_login(coordinator)

    for term in ("有明", "ありあけ", "7123456789012"):
        response = client.get(reverse(CHANGELIST), {"q": term})
        assert [cso.name for cso in response.context["cl"].result_list] == ["有明海の会"], term


@pytest.mark.django_db
def test_the_admin_list_filters_by_kind_field_municipality_status_and_due(client, coordinator):
    """Each filter keeps the CSO that matches it and drops the one that does not."""
    from cso_registry.models import ActivityField, Municipality

    field = ActivityField.objects.order_by("pk").first()
    other_field = ActivityField.objects.exclude(pk=field.pk).first()
    town = Municipality.objects.order_by("pk").first()
    other_town = Municipality.objects.exclude(pk=town.pk).first()
    match = CSOFactory(
        name="条件に合う会",
        kind=CSO.Kind.PTA,
        municipality=town,
        status=CSO.Status.PENDING,
        verified_on=None,
    )
    match.activity_fields.set([field])
    other = CSOFactory(
        name="条件に合わない会",
        kind=CSO.Kind.CIVIC_GROUP,
        municipality=other_town,
        verified_on=timezone.localdate(),
    )
    other.activity_fields.set([other_field])
    due = CSOFactory(name="要更新の会", verified_on=None)
    client.force_login(coordinator)

    def names(params):
        response = client.get(reverse(CHANGELIST), params)
        return {cso.name for cso in response.context["cl"].result_list}

    assert names({"kind__exact": "pta"}) == {match.name}
    assert names({"activity_fields__id__exact": str(field.pk)}) == {match.name}
    assert names({"municipality__id__exact": str(town.pk)}) >= {match.name}
    assert other.name not in names({"municipality__id__exact": str(town.pk)})
    assert names({"status__exact": "pending"}) == {match.name}
    assert due.name in names({"verification": "due"})
    assert other.name not in names({"verification": "due"})


@pytest.mark.django_db
def test_the_change_page_shows_the_history(client, coordinator, cso, promoter):
    from cso_registry import services

    services.cso_update(cso=cso, by=promoter, data={"member_count": 77})
    client.force_login(coordinator)

    html = client.get(reverse("admin:cso_registry_cso_change", args=[cso.pk])).content.decode()

    assert "変更履歴" in html and "会員数" in html and "77" in html


@pytest.mark.django_db
def test_nobody_deletes_a_cso_in_the_admin(client, coordinator, cso):
    client.force_login(coordinator)

    response = client.post(reverse("admin:cso_registry_cso_delete", args=[cso.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert CSO.objects.filter(pk=cso.pk).exists()


def post_import(client, capture, data):
    """Upload in the admin: the import runs as a task after commit (in the process here), and
    the page it redirects to shows the result."""
    with capture(execute=True):
        response = client.post(reverse("admin:cso_registry_cso_import"), data)
    assert response.status_code == 302
    return client.get(response["Location"])


@pytest.mark.django_db
def test_the_admin_import_checks_then_imports(
    client, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    dry = post_import(
        client,
        django_capture_on_commit_callbacks,
        {"file": SimpleUploadedFile("survey.csv", csv_bytes(good_rows(3))), "dry_run": "on"},
    )
    assert dry.context_data["result"]["created"] == 3
    assert "確認しました" in dry.text
    assert not CSO.objects.exists()

    done = post_import(
        client,
        django_capture_on_commit_callbacks,
        {"file": SimpleUploadedFile("survey.csv", csv_bytes(good_rows(3)))},
    )
    assert done.context_data["result"]["created"] == 3
    assert "取り込みました" in done.text
    assert CSO.objects.count() == 3
    assert set(CSO.objects.first().history.values_list("by", flat=True)) == {coordinator.pk}
    job = done.context_data["job"]
    assert job.input_data is None  # the file is not kept once read


@pytest.mark.django_db
def test_the_admin_import_lists_bad_rows_and_imports_nothing(
    client, coordinator, django_capture_on_commit_callbacks
):
    rows = good_rows(10)
    rows[4] = rows[4].replace("令和8年度", "いつか")
    client.force_login(coordinator)

    response = post_import(
        client,
        django_capture_on_commit_callbacks,
        {"file": SimpleUploadedFile("survey.csv", csv_bytes(rows))},
    )

    html = response.content.decode()
    assert "6行目" in html and "何も取り込んでいません" in html
    assert not CSO.objects.exists()


@pytest.mark.django_db
def test_a_survey_file_that_cannot_be_read_is_named_on_the_job_page(
    client, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    response = post_import(
        client,
        django_capture_on_commit_callbacks,
        {"file": SimpleUploadedFile("survey.csv", "名前,年\n".encode())},
    )

    assert response.context_data["result"]["file_error"]
    assert response.context_data["file_error"] in response.text
    assert not CSO.objects.exists()


@pytest.mark.django_db
def test_an_import_shows_its_progress_until_done_and_only_to_who_started_it(
    client, coordinator, django_user_model
):
    from kyodo_portal import jobs
    from kyodo_portal.models import BackgroundJob

    client.force_login(coordinator)
    client.post(  # no commit: the task has not run yet
        reverse("admin:cso_registry_cso_import"),
        {"file": SimpleUploadedFile("survey.csv", csv_bytes(good_rows(3)))},
    )
    job = BackgroundJob.objects.get()
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.RUNNING, stage="確認中", done=1, total=3
    )
    page = client.get(reverse("admin:cso_registry_cso_import_job", args=[job.pk]))
    assert page.status_code == 200
    assert 'id="background-job-progress"' in page.text and 'value="33"' in page.text
    assert "background_job.js" in page.text
    status = client.get(reverse("admin:cso_registry_cso_import_job_status", args=[job.pk]))
    assert status.json() == {
        "status": "running",
        "status_label": "実行中",
        "stage": "確認中",
        "done": 1,
        "total": 3,
        "percent": 33,
        "finished": False,
    }

    jobs.run(
        job.pk,
        lambda job, progress: {
            "total": 3,
            "created": 3,
            "updated": 0,
            "unchanged": 0,
            "errors": [],
            "warnings": [],
            "dry_run": False,
        },
    )
    done = client.get(reverse("admin:cso_registry_cso_import_job_status", args=[job.pk]))
    assert done.json()["finished"] is True

    other = django_user_model.objects.create_user(
        email="other@example.jp", password="x", is_staff=True, is_superuser=True
    )
    client.force_login(other)
    assert (
        client.get(reverse("admin:cso_registry_cso_import_job", args=[job.pk])).status_code == 404
    )


@pytest.mark.django_db
def test_a_promoter_cannot_import(client, promoter):
    client.force_login(promoter)

    assert client.get(reverse("admin:cso_registry_cso_import")).status_code == 403


@pytest.mark.django_db
def test_the_coordinator_approves_a_join_request_in_the_membership_admin(client, coordinator, cso):
    request_ = MembershipFactory(cso=cso, status=Membership.Status.REQUESTED)
    client.force_login(coordinator)

    client.post(
        reverse("admin:cso_registry_membership_changelist"),
        {"action": "approve_as_admin", "_selected_action": [request_.pk]},
    )

    request_.refresh_from_db()
    assert request_.is_admin


@pytest.mark.django_db
def test_a_hiragana_search_keeps_the_list_filters(client, coordinator):
    CSOFactory(name="公開の有明", furigana="アリアケノカイ")
    CSOFactory(name="申請中の有明", furigana="アリアケノカイニ", status=CSO.Status.PENDING)
    client.force_login(coordinator)

    response = client.get(reverse(CHANGELIST), {"q": "ありあけ", "status__exact": "pending"})

    assert [cso.name for cso in response.context["cl"].result_list] == ["申請中の有明"]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_the_admin_list_runs_a_fixed_number_of_queries(
    client, coordinator, django_assert_max_num_queries, count
):
    for number in range(count):
        CSOFactory(name=f"会{number}")
    client.force_login(coordinator)

    with django_assert_max_num_queries(10):
        assert client.get(reverse(CHANGELIST)).status_code == 200
