"""Editing rights follow status (issue 9): a submitted proposal is read-only to the CSO; a
concluded agreement changes only by amendment (変更協定); a published evaluation changes only by
withdrawal. Every refusal changes nothing, on the page, in the admin and in the service."""

import datetime

import pytest
from django.urls import reverse

from cso_registry.models import ActivityField, Membership
from evaluations import services as evaluation_services
from evaluations.models import Decision, Evaluation, EvaluationTransition, Side
from proposals import services
from proposals.agreements import services as agreement_services
from proposals.forms import ProposalForm
from proposals.models import Agreement, AgreementVersion, Proposal
from tests.evaluations.conftest import FULL_PART, complete, make_agreement
from tests.factories import MembershipFactory, ProposalFactory
from tests.proposals.conftest import PDF_BYTES, arrange, bring_agreement_to
from tests.proposals.test_agreement_admin import version_post_data

pytestmark = pytest.mark.django_db


def proposal_form_data(proposal, user, **changes):
    """What the member's browser sends for the edit page, with ``changes``."""
    form = ProposalForm(instance=proposal, user=user)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        data[name] = value.isoformat() if isinstance(value, datetime.date) else str(value)
    return {**data, **changes}


@pytest.fixture
def member(db):
    return MembershipFactory(role=Membership.Role.ADMIN).user


@pytest.fixture
def proposal(member, department):
    cso = member.memberships.get().cso
    draft = ProposalFactory.build(cso=cso, created_by=member, department=department)
    return services.proposal_create(proposal=draft, by=member)


# --- a submitted proposal is read-only to the CSO ---------------------------------------------


def test_a_draft_is_edited_by_its_member(client, proposal, member):
    client.force_login(member)
    url = reverse("proposals:my_edit", args=[proposal.pk])

    response = client.post(url, proposal_form_data(proposal, member, title="見守りの輪を広げる"))

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "見守りの輪を広げる"


@pytest.mark.parametrize(
    "status",
    [
        Proposal.Status.SUBMITTED,
        Proposal.Status.IN_CONSULTATION,
        Proposal.Status.AGREED,
        Proposal.Status.REJECTED,
        Proposal.Status.WITHDRAWN,
    ],
)
def test_a_proposal_past_draft_is_read_only_to_the_cso(client, proposal, member, promoter, status):
    proposal = arrange(proposal, status, member=member, staff=promoter)
    before = Proposal.objects.values().get(pk=proposal.pk)
    client.force_login(member)
    edit = reverse("proposals:my_edit", args=[proposal.pk])

    page = client.get(edit, follow=True)
    posted = client.post(
        edit, proposal_form_data(proposal, member, title="書き換えた題名"), follow=True
    )
    attached = client.post(
        reverse("proposals:my_attach", args=[proposal.pk]),
        {"file": _pdf()},
        follow=True,
    )

    assert page.redirect_chain[-1][0] == proposal.get_absolute_url()
    assert "編集できません" in page.content.decode()
    assert posted.redirect_chain[-1][0] == proposal.get_absolute_url()
    assert attached.status_code == 200
    assert Proposal.objects.values().get(pk=proposal.pk) == before
    assert proposal.attachments.count() == 0
    proposal.title = "書き換えた題名"
    with pytest.raises(services.TransitionNotAllowed):
        services.proposal_update(proposal=proposal, by=member, fields=["title"])
    assert Proposal.objects.get(pk=proposal.pk).title == before["title"]


def test_a_returned_proposal_is_editable_again(client, proposal, member, promoter):
    proposal = arrange(proposal, Proposal.Status.RETURNED, member=member, staff=promoter)
    client.force_login(member)

    response = client.post(
        reverse("proposals:my_edit", args=[proposal.pk]),
        proposal_form_data(proposal, member, title="見直した題名"),
    )

    assert response.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).title == "見直した題名"


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("追加.pdf", PDF_BYTES, content_type="application/pdf")


# --- a concluded agreement changes only by amendment ------------------------------------------


@pytest.fixture
def concluded(proposal, member, promoter):
    agreed = arrange(proposal, Proposal.Status.AGREED, member=member, staff=promoter)
    agreement = agreement_services.agreement_create(proposal=agreed, by=promoter)
    return bring_agreement_to(agreement, Agreement.Status.CONCLUDED, staff=promoter, admin=member)


@pytest.mark.parametrize("who", ["promoter", "coordinator"])
def test_a_concluded_version_is_refused_in_the_admin_and_by_the_service(
    client, concluded, promoter, coordinator, who
):
    version = concluded.current_version
    before = AgreementVersion.objects.values().get(pk=version.pk)
    parties = list(version.parties.values())
    roles = list(version.roles.values())
    client.force_login({"promoter": promoter, "coordinator": coordinator}[who])
    data = version_post_data(client, version)
    data["title"] = "締結後に書き換えた題名"
    # A party's contact and a new row of the role table, sent as if the inlines were editable.
    data.update(
        {
            "parties-0-id": str(version.parties.first().pk),
            "parties-0-cso": str(version.parties.first().cso_id),
            "parties-0-contact_name": "締結後の担当者",
            "roles-TOTAL_FORMS": str(len(roles) + 1),
            f"roles-{len(roles)}-order": "99",
            f"roles-{len(roles)}-task": "締結後に足した作業",
            f"roles-{len(roles)}-carried_by": "prefecture",
        }
    )

    response = client.post(
        reverse("admin:proposals_agreementversion_change", args=[version.pk]), data
    )

    assert response.status_code == 403
    assert AgreementVersion.objects.values().get(pk=version.pk) == before
    assert list(version.parties.values()) == parties
    assert list(version.roles.values()) == roles
    with pytest.raises(agreement_services.DomainError):
        agreement_services.version_lock_for_edit(version=version, by=promoter)


def test_a_concluded_agreement_changes_by_an_amendment(client, concluded, promoter, member):
    in_force = concluded.current_version
    title = in_force.title
    client.force_login(promoter)

    started = client.post(
        reverse("admin:proposals_agreement_step", args=[concluded.pk, "amend"]),
        {"comment": "実施期間を延ばします。"},
    )
    amendment = concluded.versions.get(number=2)
    assert started["Location"] == reverse(
        "admin:proposals_agreementversion_change", args=[amendment.pk]
    )
    data = version_post_data(client, amendment)
    data["title"] = "変更後の事業名"
    data["ends_on"] = "2027-09-30"
    edited = client.post(
        reverse("admin:proposals_agreementversion_change", args=[amendment.pk]), data
    )
    assert edited.status_code == 302

    # Until the amendment is concluded, the version in force is unchanged.
    concluded.refresh_from_db()
    assert concluded.current_version_id == in_force.pk
    assert AgreementVersion.objects.get(pk=in_force.pk).title == title
    amendment.refresh_from_db()
    agreement_services.agreement_request_confirmation(version=amendment, by=promoter)
    amendment.refresh_from_db()
    agreement_services.agreement_confirm(version=amendment, by=member, revision=amendment.revision)
    agreement_services.agreement_conclude(
        version=amendment, by=promoter, concluded_on=datetime.date(2026, 9, 1)
    )

    concluded.refresh_from_db()
    assert concluded.current_version_id == amendment.pk
    assert concluded.current_version.title == "変更後の事業名"
    in_force.refresh_from_db()
    assert in_force.title == title
    assert in_force.status != AgreementVersion.Status.DRAFT


def agreement_post_data(client, agreement, **changes):
    """What the agreement's admin page sends, plus ``changes`` (sent even for fields the page
    shows read-only, as a hand-made POST would)."""
    page = client.get(reverse("admin:proposals_agreement_change", args=[agreement.pk]))
    data = {"internal_note": agreement.internal_note}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
        )
        # No new progress report: the empty extra form is left out.
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.management_form.initial["INITIAL_FORMS"]
    return {**data, **changes}


def other_terms(agreement):
    """A zone, form and activity fields different from the agreement's (and valid together)."""
    zone, form = ("D", "consignment") if agreement.zone != "D" else ("B", "sponsorship")
    fields = ActivityField.objects.exclude(pk__in=agreement.activity_fields.all())[:2]
    return {"zone": zone, "form": form, "activity_fields": [str(f.pk) for f in fields]}


def terms(agreement):
    agreement = Agreement.objects.get(pk=agreement.pk)
    return (
        agreement.zone,
        agreement.form,
        set(agreement.activity_fields.values_list("pk", flat=True)),
    )


@pytest.fixture
def agreement_at(proposal, member, promoter):
    agreed = arrange(proposal, Proposal.Status.AGREED, member=member, staff=promoter)
    agreement = agreement_services.agreement_create(proposal=agreed, by=promoter)

    def make(status):
        return bring_agreement_to(agreement, status, staff=promoter, admin=member)

    return make


TERMS = {"zone", "form", "activity_fields"}


@pytest.mark.parametrize(
    "status",
    [Agreement.Status.CONCLUDED, Agreement.Status.IN_PROGRESS, Agreement.Status.COMPLETED],
)
@pytest.mark.parametrize("who", ["promoter", "coordinator"])
def test_the_terms_of_a_concluded_agreement_are_read_only_in_the_admin(
    client, agreement_at, promoter, coordinator, status, who
):
    """The agreement's page has no terms to edit (they are its versions'), and the version in
    force refuses a save: a change after 締結 is an amendment."""
    agreement = agreement_at(status)
    before = terms(agreement)
    client.force_login({"promoter": promoter, "coordinator": coordinator}[who])
    url = reverse("admin:proposals_agreement_change", args=[agreement.pk])
    version_url = reverse(
        "admin:proposals_agreementversion_change", args=[agreement.current_version_id]
    )

    form = client.get(url).context["adminform"].form
    response = client.post(url, agreement_post_data(client, agreement, **other_terms(agreement)))
    version_response = client.post(
        version_url,
        {**version_post_data(client, agreement.current_version), **other_terms(agreement)},
    )

    assert not TERMS & set(form.fields)
    assert response.status_code == 302
    assert version_response.status_code == 403
    assert terms(agreement) == before


@pytest.mark.parametrize("who", ["promoter", "coordinator"])
def test_the_terms_of_an_agreement_in_draft_are_edited_on_its_version(
    client, agreement_at, promoter, coordinator, who
):
    agreement = agreement_at(Agreement.Status.DRAFT)
    changes = other_terms(agreement)
    client.force_login({"promoter": promoter, "coordinator": coordinator}[who])

    response = client.post(
        reverse("admin:proposals_agreementversion_change", args=[agreement.current_version_id]),
        {**version_post_data(client, agreement.current_version), **changes},
    )

    assert response.status_code == 302
    assert terms(agreement) == (
        changes["zone"],
        changes["form"],
        {int(pk) for pk in changes["activity_fields"]},
    )


def test_the_service_refuses_to_open_a_concluded_version(agreement_at, promoter):
    agreement = agreement_at(Agreement.Status.DRAFT)
    agreement_services.version_lock_for_edit(version=agreement.current_version, by=promoter)
    agreement = agreement_at(Agreement.Status.CONCLUDED)

    with pytest.raises(agreement_services.TransitionNotAllowed):
        agreement_services.version_lock_for_edit(version=agreement.current_version, by=promoter)
    # The prefecture's internal note is not a term of the agreement.
    agreement_services.agreement_lock_for_edit(agreement=agreement, by=promoter)


# --- a published evaluation changes only by withdrawal ----------------------------------------


@pytest.fixture
def published(department, promoter, coordinator):
    agreement = make_agreement(department=department)
    cso_user = MembershipFactory(
        cso=agreement.current_version.parties.get().cso, role=Membership.Role.ADMIN
    ).user
    evaluation = evaluation_services.evaluation_start(agreement=agreement, by=promoter)
    evaluation = complete(evaluation, cso_user, promoter)
    evaluation = evaluation_services.evaluation_publish(evaluation=evaluation, by=coordinator)
    evaluation.cso_user = cso_user
    return evaluation


def snapshot(evaluation):
    return (
        Evaluation.objects.values().get(pk=evaluation.pk),
        list(evaluation.parts.order_by("side").values()),
    )


def test_a_published_evaluation_is_refused_on_the_cso_pages(client, published):
    before = snapshot(published)
    client.force_login(published.cso_user)

    part = client.post(
        reverse("evaluations:my_part", args=[published.pk]),
        {f"part-{name}": "書き換え" for name in ("outcomes", "went_well", "lessons")},
        follow=True,
    )
    decision = client.post(
        reverse("evaluations:my_decision", args=[published.pk]),
        {"decision-decision": Decision.END},
        follow=True,
    )
    confirm = client.post(
        reverse("evaluations:my_decision_confirm", args=[published.pk]), follow=True
    )

    assert "提出済みの記入は変更できません" in part.content.decode()
    assert "今後の方針はすでに合意しています" in decision.content.decode()
    assert "合意を待っている方針はありません" in confirm.content.decode()
    assert snapshot(published) == before


def test_a_published_evaluation_is_refused_in_the_admin(client, published, promoter):
    before = snapshot(published)
    client.force_login(promoter)
    change = reverse("admin:evaluations_evaluation_change", args=[published.pk])

    page = client.get(change)
    decision = client.post(
        reverse("admin:evaluations_evaluation_decision", args=[published.pk]),
        {"decision": Decision.END},
        follow=True,
    )

    inline = next(
        f
        for f in page.context["inline_admin_formsets"]
        if f.formset.model.__name__ == "EvaluationPart"
    )
    assert not inline.has_change_permission
    assert "すでに合意しています" in decision.content.decode()
    assert snapshot(published) == before


def test_the_services_refuse_every_change_of_a_published_evaluation(published, promoter):
    before = snapshot(published)
    for side, user in ((Side.CSO, published.cso_user), (Side.PREFECTURE, promoter)):
        with pytest.raises(evaluation_services.DomainError):
            evaluation_services.part_save(
                part=published.parts.get(side=side), by=user, data={**FULL_PART, "lessons": "x"}
            )
    with pytest.raises(evaluation_services.DomainError):
        evaluation_services.decision_propose(
            evaluation=published, by=promoter, decision=Decision.END
        )
    with pytest.raises(evaluation_services.DomainError):
        evaluation_services.decision_confirm(evaluation=published, by=published.cso_user)

    assert snapshot(published) == before


def test_withdrawal_is_the_one_way_out_and_is_logged(client, published, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:evaluations_evaluation_withdraw", args=[published.pk]),
        {"reason": "記載内容を確認します。"},
    )

    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == Evaluation.Status.DRAFT
    entry = published.transitions.get(action=EvaluationTransition.Action.WITHDRAWN)
    assert (entry.by, entry.comment) == (coordinator, "記載内容を確認します。")
    assert client.get(published.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("who", ["promoter", "coordinator"])
def test_a_published_evaluation_is_not_changed_by_a_post_of_the_admin_change_form(
    client, published, promoter, coordinator, who
):
    before = snapshot(published)
    part = published.parts.get(side=Side.PREFECTURE)
    client.force_login({"promoter": promoter, "coordinator": coordinator}[who])
    url = reverse("admin:evaluations_evaluation_change", args=[published.pk])
    page = client.get(url)
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
        )
        if formset.model.__name__ == "EvaluationPart":
            prefix = f"{formset.prefix}-0"
            data.update(
                {
                    f"{prefix}-id": str(part.pk),
                    f"{prefix}-evaluation": str(published.pk),
                    f"{prefix}-edit_version": str(part.version),
                    **{f"{prefix}-{name}": "公開後の書き換え" for name in ("outcomes", "lessons")},
                }
            )
    data.update({"decision": Decision.END, "status": Evaluation.Status.DRAFT})

    client.post(url, data)

    assert snapshot(published) == before


@pytest.fixture
def published_interim_with_a_pending_decision(department, promoter, coordinator):
    """An interim evaluation is published without an agreed decision: one left proposed stays
    as it was published."""
    agreement = make_agreement(department=department, status=Agreement.Status.IN_PROGRESS)
    cso_user = MembershipFactory(
        cso=agreement.current_version.parties.get().cso, role=Membership.Role.ADMIN
    ).user
    evaluation = evaluation_services.evaluation_start(
        agreement=agreement, by=promoter, kind=Evaluation.Kind.INTERIM
    )
    for side, user in ((Side.CSO, cso_user), (Side.PREFECTURE, promoter)):
        part = evaluation.parts.get(side=side)
        evaluation_services.part_save(part=part, by=user, data=FULL_PART)
        evaluation_services.part_submit(part=part, by=user)
    evaluation_services.decision_propose(
        evaluation=evaluation, by=cso_user, decision=Decision.CONTINUE
    )
    evaluation = evaluation_services.evaluation_publish(evaluation=evaluation, by=coordinator)
    evaluation.cso_user = cso_user
    return evaluation


def test_a_decision_left_pending_is_not_confirmed_after_publication(
    client, published_interim_with_a_pending_decision, promoter
):
    published = published_interim_with_a_pending_decision
    before = snapshot(published)

    with pytest.raises(evaluation_services.TransitionNotAllowed):
        evaluation_services.decision_confirm(evaluation=published, by=promoter)
    client.force_login(promoter)
    response = client.post(
        reverse("admin:evaluations_evaluation_confirm", args=[published.pk]), follow=True
    )

    assert "公開中の振り返りの方針は変えられません" in response.text
    assert snapshot(published) == before


def test_a_part_of_a_published_evaluation_is_refused_even_if_it_were_not_submitted(
    published, promoter
):
    """Defence in depth: publication itself closes the parts, not only their submission."""
    part = published.parts.get(side=Side.PREFECTURE)
    type(part).objects.filter(pk=part.pk).update(submitted_at=None)
    before = snapshot(published)

    with pytest.raises(evaluation_services.TransitionNotAllowed, match="公開中"):
        evaluation_services.part_save(part=part, by=promoter, data={"lessons": "書き換え"})

    assert snapshot(published) == before
