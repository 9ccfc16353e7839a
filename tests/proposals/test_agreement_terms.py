"""Finding 2 of the trust issue: everything a CSO confirms — text, zone, form, activity fields,
parties, roles, budget — belongs to the version it confirmed. An edit after the confirmation
request starts a new revision; amendments carry every term; a stale save of the draft is
refused like in the other editors."""

import datetime

import pytest
from django.urls import reverse

from cso_registry.models import ActivityField
from proposals.agreements import services
from proposals.models import Agreement, AgreementVersion
from tests.proposals.conftest import complete_draft
from tests.proposals.test_agreement_admin import version_post_data

pytestmark = pytest.mark.django_db


def version_url(version):
    return reverse("admin:proposals_agreementversion_change", args=[version.pk])


def new_fields(version):
    return [
        str(f.pk) for f in ActivityField.objects.exclude(pk__in=version.activity_fields.all())[:2]
    ]


def test_terms_changed_after_the_confirmation_request_need_a_new_confirmation(
    client, agreement, promoter, cso_member
):
    version = complete_draft(agreement)
    services.agreement_request_confirmation(version=version, by=promoter)
    version.refresh_from_db()
    seen = version.revision
    client.force_login(promoter)
    data = version_post_data(client, version)
    data.update(zone="D", form="cooperation", activity_fields=new_fields(version))

    response = client.post(version_url(version), data)

    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.zone, version.revision) == ("D", seen + 1)
    with pytest.raises(services.TransitionNotAllowed):
        services.agreement_confirm(version=version, by=cso_member, revision=seen)
    assert not version.parties.filter(confirmed_at__isnull=False).exists()


def test_a_given_confirmation_is_cleared_when_the_terms_change(
    client, agreement, promoter, cso_member
):
    version = complete_draft(agreement)
    services.agreement_request_confirmation(version=version, by=promoter)
    version.refresh_from_db()
    services.agreement_confirm(version=version, by=cso_member, revision=version.revision)
    services.agreement_reopen(version=version, by=promoter, comment="分野を見直します")
    version.refresh_from_db()
    services.agreement_request_confirmation(version=version, by=promoter)
    version.refresh_from_db()
    client.force_login(promoter)
    data = version_post_data(client, version)
    data["activity_fields"] = new_fields(version)

    client.post(version_url(version), data)

    version.refresh_from_db()
    assert set(version.activity_fields.values_list("pk", flat=True)) == {
        int(pk) for pk in data["activity_fields"]
    }
    assert not version.parties.filter(confirmed_at__isnull=False).exists()


def test_a_zone_that_does_not_allow_the_form_is_refused_beside_the_field(
    client, agreement, promoter
):
    version = complete_draft(agreement)
    client.force_login(promoter)
    data = version_post_data(client, version)
    data.update(zone="B", form="consignment")

    response = client.post(version_url(version), data)

    assert response.status_code == 200
    assert "form" in response.context["adminform"].form.errors
    version.refresh_from_db()
    assert (version.zone, version.form) == ("C", "cooperation")


def test_an_amendment_carries_every_term_and_changes_nothing_in_force_until_concluded(
    client, agreement_in, promoter, cso_member
):
    agreement = agreement_in(Agreement.Status.IN_PROGRESS)
    in_force = agreement.current_version
    fields_in_force = set(in_force.activity_fields.values_list("pk", flat=True))
    amendment = services.agreement_start_amendment(
        agreement=agreement, by=promoter, reason="県の主導に改めます"
    )

    assert (amendment.zone, amendment.form) == (in_force.zone, in_force.form)
    assert set(amendment.activity_fields.values_list("pk", flat=True)) == fields_in_force

    client.force_login(promoter)
    data = version_post_data(client, amendment)
    data.update(zone="D", form="consignment")
    assert client.post(version_url(amendment), data).status_code == 302
    # The page now asks for the items of 協働型委託.
    data = version_post_data(client, amendment)
    data.update(deliverables="実施報告書", payment_note="精算払い")
    assert client.post(version_url(amendment), data).status_code == 302
    public_page = client.get(agreement.get_absolute_url()).content.decode()
    amendment.refresh_from_db()
    assert amendment.form == "consignment"
    assert "協働型委託" not in public_page  # the version in force is still 事業協力

    services.agreement_request_confirmation(version=amendment, by=promoter)
    amendment.refresh_from_db()
    services.agreement_confirm(version=amendment, by=cso_member, revision=amendment.revision)
    services.agreement_conclude(version=amendment, by=promoter, concluded_on=datetime.date.today())

    agreement.refresh_from_db()
    assert (agreement.zone, agreement.form) == ("D", "consignment")
    assert "協働型委託" in client.get(agreement.get_absolute_url()).content.decode()
    in_force.refresh_from_db()
    assert (in_force.zone, in_force.form) == ("C", "cooperation")  # 変更前 stays as signed


def test_the_document_of_each_version_shows_that_versions_form(
    client, agreement_in, promoter, cso_member
):
    agreement = agreement_in(Agreement.Status.IN_PROGRESS)
    amendment = services.agreement_start_amendment(agreement=agreement, by=promoter, reason="変更")
    AgreementVersion.objects.filter(pk=amendment.pk).update(zone="D", form="consignment")
    client.force_login(cso_member)

    first = client.get(reverse("proposals:my_agreement_document", args=[agreement.pk, 1]))
    second = client.get(reverse("proposals:my_agreement_document", args=[agreement.pk, 2]))

    assert "事業協力" in first.content.decode() and "協働型委託" not in first.content.decode()
    assert "協働型委託" in second.content.decode()


def test_a_stale_save_of_the_draft_is_refused_and_changes_nothing(client, agreement, promoter):
    version = complete_draft(agreement)
    client.force_login(promoter)
    first = version_post_data(client, version)
    second = dict(first)
    first["title"] = "先に保存した事業名"
    second["title"] = "後から保存した事業名"

    assert client.post(version_url(version), first).status_code == 302
    response = client.post(version_url(version), second)

    assert response.status_code == 200
    assert "ほかの人が先に保存しました" in response.content.decode()
    version.refresh_from_db()
    assert version.title == "先に保存した事業名"


def test_a_save_without_the_revision_it_was_opened_on_is_refused(client, agreement, promoter):
    version = complete_draft(agreement)
    client.force_login(promoter)
    data = version_post_data(client, version)
    data.pop("edit_version")
    data["title"] = "版の分からない保存"

    response = client.post(version_url(version), data)

    assert response.status_code == 200
    version.refresh_from_db()
    assert version.title != "版の分からない保存"


def test_the_service_refuses_a_stale_revision_under_the_lock(agreement, promoter):
    version = complete_draft(agreement)

    with pytest.raises(services.EditConflict):
        services.version_lock_for_edit(
            version=version, by=promoter, expected_revision=version.revision - 1
        )
