import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cso_registry.models import CSO, Membership
from proposals.agreements import services
from proposals.models import Agreement, AgreementParty, ProgressReport, RoleAssignment
from tests.factories import CSOFactory, MembershipFactory
from tests.proposals.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db
S = Agreement.Status


def report(agreement, by, **fields):
    values = {
        "reported_on": datetime.date.today(),
        "percent_complete": 40,
        "text": "関係者だけの詳しい報告です。",
        "visibility": ProgressReport.Visibility.PARTIES,
        **fields,
    }
    return services.progress_report(agreement=agreement, by=by, **values)


# --- public pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.DRAFT, S.CONFIRMED])
def test_agreements_before_conclusion_are_not_public(client, agreement_in, status):
    agreement = agreement_in(status)

    assert agreement.title not in client.get("/projects/").content.decode()
    assert client.get(f"/projects/{agreement.pk}/").status_code == 404


@pytest.mark.parametrize("status", [S.CONCLUDED, S.IN_PROGRESS, S.COMPLETED])
def test_agreements_from_conclusion_on_are_public(client, agreement_in, status):
    agreement = agreement_in(status)

    assert agreement.title in client.get("/projects/").content.decode()
    assert client.get(f"/projects/{agreement.pk}/").status_code == 200


def test_public_page_shows_public_fields_only(client, agreement_in, cso_member, promoter):
    agreement = agreement_in(S.IN_PROGRESS)
    version = agreement.current_version
    version.parties.update(contact_name="担当 秘子", contact_email="hiko@example.jp")
    AgreementVersion = type(version)
    AgreementVersion.objects.filter(pk=version.pk).update(
        budget_amount=1_234_567,
        other_clauses="内部の取り決め事項",
        prefecture_contact_phone="0952-25-9999",
    )
    Agreement.objects.filter(pk=agreement.pk).update(internal_note="財政課と調整中（県内部）")
    report(
        agreement,
        cso_member,
        text="関係者だけの詳しい報告です。",
        next_steps="次回は非公開の打合せ",
    )
    report(
        agreement,
        promoter,
        percent_complete=55,
        text="公開報告の詳しい本文（関係者のみ）",
        visibility=ProgressReport.Visibility.PUBLIC,
        public_summary="ボランティア研修を2回終えました。",
    )

    page = client.get(f"/projects/{agreement.pk}/").content.decode()

    assert version.title in page
    assert agreement.get_form_display() in page
    assert "ボランティア研修を2回終えました。" in page
    assert "55%" in page
    for secret in (
        "担当 秘子",
        "hiko@example.jp",
        "1,234,567",
        "1234567",
        "内部の取り決め事項",
        "0952-25-9999",
        "財政課と調整中",
        "関係者だけの詳しい報告です。",
        "次回は非公開の打合せ",
        "公開報告の詳しい本文",
        promoter.email,
        cso_member.email,
    ):
        assert secret not in page, secret


def test_parties_link_to_the_directory_only_when_public(client, agreement_in, cso):
    agreement = agreement_in(S.CONCLUDED)
    hidden = CSOFactory(name="非公開の団体", status=CSO.Status.HIDDEN)
    AgreementParty.objects.create(version=agreement.current_version, cso=hidden)

    page = client.get(f"/projects/{agreement.pk}/").content.decode()

    assert f'href="{cso.get_absolute_url()}"' in page
    assert "非公開の団体" in page
    assert f'href="{hidden.get_absolute_url()}"' not in page


def test_project_list_filters(client, agreement_in):
    agreement = agreement_in(S.IN_PROGRESS, concluded_on=datetime.date(2026, 5, 1))

    def titles(query):
        return agreement.title in client.get("/projects/?" + query).content.decode()

    assert titles("form=cooperation") and not titles("form=subsidy")
    assert titles("zone=C") and not titles("zone=B")
    assert titles("status=in_progress") and not titles("status=completed")
    assert titles("fiscal_year=2026")
    assert titles(f"department={agreement.department_id}")
    field = agreement.activity_fields.first() or None
    if field is None:
        from cso_registry.models import ActivityField

        field = ActivityField.objects.first()
        agreement.activity_fields.add(field)
    assert titles(f"field={field.pk}")


def test_project_list_query_count_does_not_grow(
    client, agreement_in, django_assert_max_num_queries, promoter, cso_member
):
    agreement_in(S.IN_PROGRESS)
    for _ in range(6):
        make_public_agreement(promoter)

    with django_assert_max_num_queries(7):
        response = client.get("/projects/")
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 7


def make_public_agreement(staff):
    from tests.factories import ProposalFactory
    from tests.proposals.conftest import arrange, bring_agreement_to

    cso = CSOFactory()
    admin = MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user
    from proposals import services as proposal_services

    proposal = proposal_services.proposal_create(
        proposal=ProposalFactory.build(cso=cso, created_by=admin, department=staff.department),
        by=admin,
    )
    proposal = arrange(proposal, "agreed", member=admin, staff=staff)
    agreement = services.agreement_create(proposal=proposal, by=staff)
    return bring_agreement_to(agreement, S.CONCLUDED, staff=staff, admin=admin)


# --- the CSO's pages -------------------------------------------------------------------------


def test_party_members_see_their_agreement_and_nobody_else(
    client, agreement_in, cso, other_cso_member
):
    agreement = agreement_in(S.DRAFT)
    member = MembershipFactory(cso=cso, role=Membership.Role.MEMBER).user
    version_url = reverse("proposals:my_agreement_document", args=[agreement.pk, 1])

    client.force_login(member)
    assert client.get("/my/agreements/").content.decode().count(agreement.title) >= 1
    assert client.get(agreement.get_member_url()).status_code == 200
    assert client.get(version_url).status_code == 200
    assert agreement.title in client.get("/my/").content.decode()

    client.force_login(other_cso_member)
    assert agreement.title not in client.get("/my/agreements/").content.decode()
    assert agreement.title not in client.get("/my/").content.decode()
    assert client.get(agreement.get_member_url()).status_code == 404
    assert client.get(version_url).status_code == 404
    assert client.post(f"/my/agreements/{agreement.pk}/confirm/", {}).status_code == 404


def test_internal_note_never_reaches_the_cso(client, agreement_in, cso_member):
    agreement = agreement_in(S.IN_PROGRESS)
    Agreement.objects.filter(pk=agreement.pk).update(internal_note="予算の内部調整メモ")

    client.force_login(cso_member)
    assert "予算の内部調整メモ" not in client.get(agreement.get_member_url()).content.decode()
    assert (
        "予算の内部調整メモ"
        not in client.get(
            reverse("proposals:my_agreement_document", args=[agreement.pk, 1])
        ).content.decode()
    )


def test_cso_admin_confirms_on_the_page(client, agreement, promoter, cso_member):
    from tests.proposals.conftest import complete_draft

    version = complete_draft(agreement)
    services.agreement_request_confirmation(version=version, by=promoter)
    version.refresh_from_db()
    client.force_login(cso_member)

    page = client.get(agreement.get_member_url())
    assert "確認して合意する" in page.content.decode()
    refused = client.post(f"/my/agreements/{agreement.pk}/confirm/", {"revision": version.revision})
    assert refused.status_code == 400
    assert "チェックを付けてください" in refused.content.decode()

    response = client.post(
        f"/my/agreements/{agreement.pk}/confirm/",
        {"revision": version.revision, "agree": "on", "comment": "よろしくお願いします。"},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == S.CONFIRMED


def test_plain_member_is_not_offered_confirmation_and_is_refused(client, agreement, cso, promoter):
    from tests.proposals.conftest import complete_draft

    version = complete_draft(agreement)
    services.agreement_request_confirmation(version=version, by=promoter)
    version.refresh_from_db()
    member = MembershipFactory(cso=cso, role=Membership.Role.MEMBER).user
    client.force_login(member)

    assert "確認して合意する" not in client.get(agreement.get_member_url()).content.decode()
    client.post(
        f"/my/agreements/{agreement.pk}/confirm/", {"revision": version.revision, "agree": "on"}
    )
    agreement.refresh_from_db()
    assert agreement.status == S.DRAFT


def test_old_versions_stay_readable_after_an_amendment(client, agreement_in, promoter, cso_member):
    agreement = agreement_in(S.IN_PROGRESS)
    old_title = agreement.title
    amendment = services.agreement_start_amendment(agreement=agreement, by=promoter, reason="変更")
    amendment.title = "改めた事業名"
    amendment.save()
    services.agreement_request_confirmation(version=amendment, by=promoter)
    amendment.refresh_from_db()
    services.agreement_confirm(version=amendment, by=cso_member, revision=amendment.revision)
    services.agreement_conclude(version=amendment, by=promoter, concluded_on=datetime.date.today())

    client.force_login(cso_member)
    first = client.get(reverse("proposals:my_agreement_document", args=[agreement.pk, 1]))
    second = client.get(reverse("proposals:my_agreement_document", args=[agreement.pk, 2]))
    assert old_title in first.content.decode() and "変更前" in first.content.decode()
    assert "改めた事業名" in second.content.decode() and "変更協定書" in second.content.decode()
    assert "改めた事業名" in client.get(f"/projects/{agreement.pk}/").content.decode()


def test_document_has_role_table_and_signature_blanks(client, agreement_in, cso_member, cso):
    agreement = agreement_in(S.CONCLUDED)
    client.force_login(cso_member)

    page = client.get(reverse("proposals:my_agreement_document", args=[agreement.pk, 1]))

    text = page.content.decode()
    assert "協働事業 協定書" in text and "署名" in text and "印" in text
    for role in RoleAssignment.objects.filter(version=agreement.current_version):
        assert role.task in text
    assert cso.name in text and agreement.department.full_name in text
    assert "window.print()" in text


def test_cso_reports_progress_with_a_file_and_the_other_side_reads_it(
    client, agreement_in, cso_member, promoter, other_cso_member
):
    agreement = agreement_in(S.IN_PROGRESS)
    client.force_login(cso_member)

    response = client.post(
        f"/my/agreements/{agreement.pk}/progress/",
        {
            "reported_on": datetime.date.today().isoformat(),
            "percent_complete": 30,
            "text": "見学会を開きました。",
            "next_steps": "2回目の準備",
            "visibility": "parties",
            "public_summary": "",
            "file": SimpleUploadedFile("記録.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )

    assert response.status_code == 302
    saved = agreement.progress_reports.get()
    attachment = saved.attachments.get()
    assert (saved.by_prefecture, attachment.original_name) == (False, "記録.pdf")
    assert client.get(attachment.get_download_url()).status_code == 200
    client.force_login(promoter)
    assert client.get(attachment.get_download_url()).status_code == 200
    client.force_login(other_cso_member)
    assert client.get(attachment.get_download_url()).status_code == 404
    client.logout()
    assert client.get(attachment.get_download_url()).status_code == 302


def test_progress_with_a_disguised_file_is_refused_and_nothing_saved(
    client, agreement_in, cso_member
):
    agreement = agreement_in(S.IN_PROGRESS)
    client.force_login(cso_member)

    response = client.post(
        f"/my/agreements/{agreement.pk}/progress/",
        {
            "reported_on": datetime.date.today().isoformat(),
            "percent_complete": 150,
            "text": "報告",
            "visibility": "public",
            "public_summary": "",
            "file": SimpleUploadedFile("報告.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "0 から 100" in text and "要約" in text and "拡張子" in text
    assert not agreement.progress_reports.exists()


def test_my_agreement_list_query_count_does_not_grow(
    client, agreement_in, cso, promoter, django_assert_max_num_queries
):
    agreement_in(S.CONCLUDED)
    member = MembershipFactory(cso=cso, role=Membership.Role.MEMBER).user
    for _ in range(4):
        extra = make_public_agreement(promoter)
        AgreementParty.objects.create(version=extra.current_version, cso=cso)
    client.force_login(member)

    with django_assert_max_num_queries(6):
        response = client.get("/my/agreements/")
    assert len(response.context["page_obj"]) == 5


@pytest.mark.django_db
def test_project_list_announces_the_feed_of_concluded_agreements(client):
    html = client.get("/projects/").content.decode()

    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/projects/feed/"' in html
    assert client.get("/projects/feed/").status_code == 200
