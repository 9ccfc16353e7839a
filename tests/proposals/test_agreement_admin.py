import datetime

import pytest
from django.urls import reverse

from proposals.models import Agreement, AgreementVersion
from tests.proposals.conftest import complete_draft

pytestmark = pytest.mark.django_db
S = Agreement.Status


def admin_urls(agreement):
    version = agreement.current_version
    return [
        reverse("admin:proposals_agreement_change", args=[agreement.pk]),
        reverse("admin:proposals_agreement_history", args=[agreement.pk]),
        reverse("admin:proposals_agreement_step", args=[agreement.pk, "complete"]),
        reverse("admin:proposals_agreement_step", args=[agreement.pk, "amend"]),
        reverse("admin:proposals_agreement_document", args=[agreement.pk, 1]),
        reverse("admin:proposals_agreementversion_change", args=[version.pk]),
    ]


def test_promoter_of_another_department_gets_404_everywhere(client, agreement_in, other_promoter):
    agreement = agreement_in(S.IN_PROGRESS)
    client.force_login(other_promoter)

    changelist = client.get(reverse("admin:proposals_agreement_changelist"))
    assert changelist.status_code == 200
    assert agreement.title not in changelist.content.decode()
    for url in admin_urls(agreement):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"comment": "x"}).status_code == 404, url
    sheet = client.get(
        reverse("admin:proposals_agreement_progress_sheet_download", args=["csv"])
    ).content.decode("utf-8-sig")
    assert agreement.title not in sheet


def test_own_department_and_coordinator_reach_every_page(
    client, agreement_in, promoter, coordinator
):
    agreement = agreement_in(S.IN_PROGRESS)
    for person in (promoter, coordinator):
        client.force_login(person)
        assert (
            agreement.title
            in client.get(reverse("admin:proposals_agreement_changelist")).content.decode()
        )
        for url in admin_urls(agreement):
            assert client.get(url).status_code == 200, url


def test_changelist_query_count_does_not_grow(
    client, agreement_in, promoter, django_assert_max_num_queries
):
    from tests.proposals.test_agreement_pages import make_public_agreement

    agreement_in(S.IN_PROGRESS)
    for _ in range(5):
        make_public_agreement(promoter)
    client.force_login(promoter)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:proposals_agreement_changelist"))
    assert response.context["cl"].result_count == 6


def test_agreement_is_created_in_the_admin_from_an_agreed_proposal_only(
    client, agreed, promoter, proposal_in
):
    client.force_login(promoter)
    add_url = reverse("admin:proposals_agreement_add")

    page = client.get(add_url)
    assert agreed.title in page.content.decode()
    response = client.post(add_url, {"proposal": agreed.pk})

    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response.url == reverse(
        "admin:proposals_agreementversion_change", args=[agreement.current_version_id]
    )
    assert agreement.proposal == agreed
    assert agreed.title not in client.get(add_url).content.decode()


def test_steps_in_the_admin_conclude_with_a_date(client, agreement_in, promoter):
    agreement = agreement_in(S.CONFIRMED)
    client.force_login(promoter)
    url = reverse("admin:proposals_agreement_step", args=[agreement.pk, "conclude"])

    missing_date = client.post(url, {"concluded_on": "", "comment": ""})
    assert missing_date.status_code == 200
    agreement.refresh_from_db()
    assert agreement.status == S.CONFIRMED

    client.post(url, {"concluded_on": "2026-06-01", "comment": "調印しました。"})
    agreement.refresh_from_db()
    assert agreement.status == S.CONCLUDED
    assert agreement.concluded_on == datetime.date(2026, 6, 1)


def test_refused_step_in_the_admin_changes_nothing(client, agreement, promoter):
    client.force_login(promoter)
    url = reverse("admin:proposals_agreement_step", args=[agreement.pk, "request_confirmation"])

    response = client.post(url, {"comment": ""}, follow=True)

    assert "協定書に次の項目が足りません" in response.content.decode()
    agreement.current_version.refresh_from_db()
    assert agreement.current_version.confirmation_requested_at is None


def version_post_data(client, version):
    """The admin's own form data for the version page, as the browser would send it."""
    page = client.get(reverse("admin:proposals_agreementversion_change", args=[version.pk]))
    data = {}
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            value = ""
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        if isinstance(value, list | tuple):  # a many-to-many field: the chosen objects
            data[name] = [str(getattr(item, "pk", item)) for item in value]
            continue
        data[name] = str(value)
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data.update({f"{fs.prefix}-{k}": v for k, v in fs.management_form.initial.items()})
        for index, inline_form in enumerate(fs.initial_forms):
            for name in inline_form.fields:
                value = inline_form.initial.get(name)
                if name == "id":
                    value = inline_form.instance.pk
                if value is None or (isinstance(value, bool) and not value):
                    continue
                data[f"{fs.prefix}-{index}-{name}"] = "on" if value is True else str(value)
        for extra in fs.extra_forms:
            for name, field in extra.fields.items():
                if field.initial is not None and field.initial != "" and field.initial is not False:
                    data[extra.add_prefix(name)] = str(field.initial)
    return data


def test_draft_is_edited_in_the_admin_and_its_revision_moves_on(
    client, agreement, promoter, cso_member
):
    version = complete_draft(agreement)
    client.force_login(promoter)
    data = version_post_data(client, version)
    data["title"] = "協定で決めた事業名"
    data["starts_on"] = "2026-04-01"
    data["ends_on"] = "2027-03-31"

    response = client.post(
        reverse("admin:proposals_agreementversion_change", args=[version.pk]), data
    )

    assert response.status_code == 302, [
        (f.formset.prefix, f.formset.errors, f.formset.non_form_errors())
        for f in response.context["inline_admin_formsets"]
    ]
    version.refresh_from_db()
    assert version.title == "協定で決めた事業名"
    assert version.revision == 2


def test_concluded_version_cannot_be_edited_in_the_admin(client, agreement_in, promoter):
    agreement = agreement_in(S.CONCLUDED)
    version = agreement.current_version
    client.force_login(promoter)
    title = version.title

    data = version_post_data(client, version)
    data["title"] = "書き換え"

    response = client.post(
        reverse("admin:proposals_agreementversion_change", args=[version.pk]), data
    )

    version.refresh_from_db()
    assert version.title == title
    assert response.status_code == 403
    assert AgreementVersion.objects.get(pk=version.pk).status == AgreementVersion.Status.CONCLUDED


def test_staff_report_progress_inline_in_the_admin(client, agreement_in, promoter):
    agreement = agreement_in(S.IN_PROGRESS)
    client.force_login(promoter)
    url = reverse("admin:proposals_agreement_change", args=[agreement.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        "zone": agreement.zone,
        "form": agreement.form,
        "internal_note": "",
    }
    data["activity_fields"] = [str(f.pk) for f in form.initial.get("activity_fields", [])]
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data.update({f"{fs.prefix}-{k}": v for k, v in fs.management_form.initial.items()})
        if fs.model.__name__ == "ProgressReport" and fs.extra_forms:
            prefix = f"{fs.prefix}-0"
            data.update(
                {
                    f"{prefix}-reported_on": datetime.date.today().isoformat(),
                    f"{prefix}-percent_complete": "60",
                    f"{prefix}-text": "県の広報を終えました。",
                    f"{prefix}-visibility": "public",
                    f"{prefix}-public_summary": "広報を終えました。",
                }
            )

    response = client.post(url, data)

    assert response.status_code == 302
    saved = agreement.progress_reports.get()
    assert (saved.by_prefecture, saved.percent_complete, saved.author) == (True, 60, promoter)


def test_agreed_proposal_page_leads_to_its_agreement(client, agreed, promoter):
    client.force_login(promoter)
    proposal_page = client.get(reverse("admin:proposals_proposal_change", args=[agreed.pk]))
    link = reverse("admin:proposals_agreement_add") + f"?proposal={agreed.pk}"
    assert link in proposal_page.content.decode()

    client.post(reverse("admin:proposals_agreement_add"), {"proposal": agreed.pk})
    agreement = Agreement.objects.get(proposal=agreed)

    response = client.get(link)
    assert response.url == reverse("admin:proposals_agreement_change", args=[agreement.pk])
