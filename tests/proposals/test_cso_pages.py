import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals import services
from proposals.models import Attachment, ConsultationEntry, Proposal
from tests.factories import ProposalFactory, ThemeFactory
from tests.proposals.conftest import PDF_BYTES

S = Proposal.Status


def form_data(**overrides):
    data = {
        "title": "障害のある人の就労体験",
        "purpose": "就労の機会を広げます。",
        "shared_goal": "地域の事業所と当事者をつなぐ仕組みを県と共有します。",
        "content": "事業所見学と体験実習を行います。",
        "expected_effect": "就労体験者 30 人。",
        "zone": "C",
        "form": "co_hosting",
        "project_type": "expertise",
        "cso_role": "参加者の募集と付き添い。",
        "prefecture_role": "事業所への呼びかけ。",
        "starts_on": "2027-04-01",
        "ends_on": "2028-03-31",
        "budget_estimate": "",
        "budget_note": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_my_proposals_needs_login(client):
    response = client.get(reverse("proposals:my_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_list_shows_only_my_csos_proposals_with_a_pinned_query_count(
    client, draft, cso_member, django_assert_max_num_queries
):
    for _ in range(5):
        ProposalFactory(cso=draft.cso, created_by=cso_member, department=draft.department)
    someone_elses = ProposalFactory(title="ほかの団体の秘密の提案")
    client.force_login(cso_member)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("proposals:my_list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert draft.title in html
    assert someone_elses.title not in html
    assert html.count("<h1") == 1
    assert "<title>団体の提案 | 協働ポータル</title>" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("my_detail", "get"),
        ("my_edit", "get"),
        ("my_edit", "post"),
        ("my_submit", "post"),
        ("my_resubmit", "post"),
        ("my_withdraw", "get"),
        ("my_withdraw", "post"),
        ("my_pre_consultation", "post"),
        ("my_consult", "post"),
        ("my_attach", "post"),
    ],
)
def test_another_csos_member_gets_404_everywhere_and_changes_nothing(
    client, draft, other_cso_member, name, method
):
    client.force_login(other_cso_member)

    response = getattr(client, method)(
        reverse(f"proposals:{name}", args=[draft.pk]), {"text": "x", "comment": "x"}
    )

    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert not draft.consultations.exists()


@pytest.mark.django_db
def test_member_creates_a_free_proposal_as_a_draft(client, cso, cso_member, department):
    client.force_login(cso_member)

    response = client.post(
        reverse("proposals:my_create"),
        form_data(cso=cso.pk, department=department.pk),
    )

    proposal = Proposal.objects.get(title="障害のある人の就労体験")
    assert response.status_code == 302
    assert response.url == proposal.get_absolute_url()
    assert (proposal.status, proposal.department, proposal.cso) == (S.DRAFT, department, cso)
    assert proposal.theme is None
    assert proposal.created_by == cso_member
    assert proposal.transitions.count() == 1


@pytest.mark.django_db
def test_a_form_the_zone_does_not_allow_is_refused_beside_the_field(
    client, cso, cso_member, department
):
    client.force_login(cso_member)

    response = client.post(
        reverse("proposals:my_create"),
        form_data(cso=cso.pk, department=department.pk, zone="B", form="consignment"),
    )

    assert response.status_code == 200
    assert "補助・後援・事業協力" in response.context["form"].errors["form"][0]
    assert "補助・後援・事業協力" in response.content.decode()
    assert not Proposal.objects.exists()


@pytest.mark.django_db
def test_the_form_options_say_which_zones_allow_them(client, cso_member):
    client.force_login(cso_member)

    html = client.get(reverse("proposals:my_create")).content.decode()

    assert 'value="consignment" data-zones="D"' in html
    assert 'value="cooperation" data-zones="B C D"' in html
    assert "proposals/proposal_form.js" in html


@pytest.mark.django_db
def test_a_proposal_on_a_theme_goes_to_the_themes_department(
    client, cso, cso_member, other_department
):
    theme = ThemeFactory(department=other_department)
    client.force_login(cso_member)

    client.post(
        reverse("proposals:my_create") + f"?theme={theme.pk}",
        form_data(cso=cso.pk, theme=theme.pk),
    )

    proposal = Proposal.objects.get()
    assert (proposal.theme, proposal.department) == (theme, other_department)


@pytest.mark.django_db
def test_a_member_cannot_write_for_a_cso_they_do_not_belong_to(client, cso_member, department):
    from tests.factories import CSOFactory

    stranger_cso = CSOFactory()
    client.force_login(cso_member)

    response = client.post(
        reverse("proposals:my_create"), form_data(cso=stranger_cso.pk, department=department.pk)
    )

    assert response.status_code == 200
    assert "cso" in response.context["form"].errors
    assert not Proposal.objects.exists()


@pytest.mark.django_db
def test_submit_and_withdraw_through_the_pages(client, draft, cso_member):
    client.force_login(cso_member)

    client.post(reverse("proposals:my_submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED

    client.post(reverse("proposals:my_withdraw", args=[draft.pk]), {"comment": "体制が整わず"})
    draft.refresh_from_db()
    assert draft.status == S.WITHDRAWN
    assert draft.transitions.last().comment == "体制が整わず"


@pytest.mark.django_db
@pytest.mark.parametrize("start", [S.SUBMITTED, S.IN_CONSULTATION, S.AGREED])
def test_a_submitted_proposal_cannot_be_edited_from_the_page(
    client, proposal_in, cso_member, start
):
    proposal = proposal_in(start)
    client.force_login(cso_member)

    response = client.post(
        reverse("proposals:my_edit", args=[proposal.pk]), form_data(title="書き換えた事業名")
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title != "書き換えた事業名"
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert reverse("proposals:my_edit", args=[proposal.pk]) not in page


@pytest.mark.django_db
def test_a_returned_proposal_is_revised_and_resubmitted_from_the_pages(
    client, proposal_in, cso_member
):
    proposal = proposal_in(S.RETURNED)
    client.force_login(cso_member)

    client.post(
        reverse("proposals:my_edit", args=[proposal.pk]),
        form_data(
            title="見直した事業名",
            department=proposal.department_id,
            edit_version=proposal.version,
        ),
    )
    client.post(reverse("proposals:my_resubmit", args=[proposal.pk]), {"comment": "直しました"})

    proposal.refresh_from_db()
    assert (proposal.title, proposal.status) == ("見直した事業名", S.SUBMITTED)


@pytest.mark.django_db
def test_detail_shows_history_with_the_reason_of_a_return(client, proposal_in, cso_member):
    proposal = proposal_in(S.RETURNED)
    client.force_login(cso_member)

    html = client.get(proposal.get_absolute_url()).content.decode()

    assert "見直し" in html
    assert "差戻し" in html


@pytest.mark.django_db(transaction=True)
def test_an_internal_entry_never_reaches_the_cso_by_page_or_email(
    client, proposal_in, cso_member, promoter, pdf_file
):
    proposal = proposal_in(S.IN_CONSULTATION)
    mail.outbox.clear()
    services.consultation_post(
        proposal=proposal,
        by=promoter,
        text="内部メモ：予算枠は厳しい",
        visibility=ConsultationEntry.Visibility.INTERNAL,
        files=[pdf_file],
    )
    services.consultation_post(proposal=proposal, by=promoter, text="面談の日程を調整します")
    internal_file = Attachment.objects.get(entry__visibility="internal")
    client.force_login(cso_member)

    html = client.get(proposal.get_absolute_url()).content.decode()
    download = client.get(internal_file.get_download_url())

    assert "面談の日程を調整します" in html
    assert "内部メモ" not in html
    assert internal_file.original_name not in html
    assert download.status_code == 404
    bodies = " ".join(message.subject + message.body for message in mail.outbox)
    assert "面談の日程を調整します" in bodies
    assert "内部メモ" not in bodies
    assert [message.to for message in mail.outbox] == [[cso_member.email]]


@pytest.mark.django_db
def test_staff_sees_the_internal_file(client, proposal_in, promoter, pdf_file):
    proposal = proposal_in(S.IN_CONSULTATION)
    entry = services.consultation_post(
        proposal=proposal, by=promoter, text="内部", visibility="internal", files=[pdf_file]
    )
    client.force_login(promoter)

    response = client.get(entry.attachments.get().get_download_url())

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.django_db
def test_cso_replies_in_the_thread_and_the_department_is_told(
    client, proposal_in, cso_member, promoter, django_capture_on_commit_callbacks
):
    proposal = proposal_in(S.IN_CONSULTATION)
    client.force_login(cso_member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("proposals:my_consult", args=[proposal.pk]),
            {"kind": "message", "text": "来週の面談でお願いします。"},
        )

    assert response.status_code == 302
    entry = proposal.consultations.get()
    assert (entry.by_prefecture, entry.visibility) == (False, "shared")
    assert mail.outbox[-1].to == [promoter.email]


@pytest.mark.django_db
def test_pre_consultation_opens_the_draft_to_the_department(client, draft, cso_member, promoter):
    assert not Proposal.objects.for_staff(promoter).filter(pk=draft.pk).exists()
    client.force_login(cso_member)

    client.post(
        reverse("proposals:my_pre_consultation", args=[draft.pk]),
        {"text": "領域は C でよいでしょうか。"},
    )

    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert draft.pre_consultation_opened_at is not None
    assert Proposal.objects.for_staff(promoter).filter(pk=draft.pk).exists()
    services.consultation_post(proposal=draft, by=promoter, text="C で問題ありません。")
    assert draft.consultations.count() == 2


@pytest.mark.django_db
def test_a_draft_without_pre_consultation_takes_no_entries(client, draft, cso_member):
    client.force_login(cso_member)

    client.post(
        reverse("proposals:my_consult", args=[draft.pk]), {"kind": "message", "text": "質問"}
    )

    assert not draft.consultations.exists()


@pytest.mark.django_db
def test_a_cso_member_cannot_post_an_internal_entry(draft, cso_member):
    draft.pre_consultation_opened_at = draft.created_at
    draft.save()

    with pytest.raises(services.ActorNotAllowed):
        services.consultation_post(proposal=draft, by=cso_member, text="x", visibility="internal")


@pytest.mark.django_db
def test_a_renamed_executable_is_refused_and_nothing_is_stored(client, draft, cso_member):
    client.force_login(cso_member)
    fake = SimpleUploadedFile("計画書.pdf", b"MZ\x90\x00" + b"\0" * 200)

    response = client.post(reverse("proposals:my_attach", args=[draft.pk]), {"file": fake})

    assert response.status_code == 400
    assert "拡張子" in response.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_an_over_size_file_is_refused(client, draft, cso_member, settings):
    settings.UPLOAD_MAX_BYTES = 100
    client.force_login(cso_member)
    big = SimpleUploadedFile("大きい.pdf", b"%PDF-" + b"0" * 200)

    response = client.post(reverse("proposals:my_attach", args=[draft.pk]), {"file": big})

    assert response.status_code == 400
    assert "大きすぎます" in response.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_good_file_is_stored_under_a_generated_name_and_downloaded_as_attachment(
    client, draft, cso_member, other_cso_member, pdf_file, private_media
):
    client.force_login(cso_member)

    client.post(reverse("proposals:my_attach", args=[draft.pk]), {"file": pdf_file})

    attachment = Attachment.objects.get()
    assert attachment.original_name == "計画書.pdf"
    assert "計画書" not in attachment.file.name
    assert (private_media / attachment.file.name).exists()
    response = client.get(attachment.get_download_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    client.force_login(other_cso_member)
    assert client.get(attachment.get_download_url()).status_code == 404
    client.logout()
    assert client.get(attachment.get_download_url()).status_code == 302


@pytest.mark.django_db
def test_removing_an_attachment_keeps_the_record(client, draft, cso_member, pdf_file):
    attachment = services.proposal_attach(proposal=draft, by=cso_member, file=pdf_file)
    client.force_login(cso_member)

    client.post(reverse("proposals:my_attachment_remove", args=[attachment.pk]))

    attachment.refresh_from_db()
    assert attachment.is_removed
    assert client.get(attachment.get_download_url()).status_code == 404
