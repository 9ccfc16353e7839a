"""An edit that does not say which version it was opened on is refused: a POST without
``edit_version`` would otherwise save over whatever is there now. The person sees a Japanese
message above the form and nothing changes. A new object has no version yet, and the survey
import (not an interactive edit) does not need one."""

import pytest
from django.test import Client
from django.urls import reverse

from cso_registry.models import CSO, Membership
from cso_registry.survey_import import import_survey
from evaluations import services as evaluation_services
from evaluations.models import Side
from kyodo_portal.forms import EDIT_VERSION_MISSING_MESSAGE
from proposals import services
from tests.cso_registry.conftest import valid_profile
from tests.evaluations.conftest import FULL_PART, make_agreement
from tests.factories import CSOFactory, MembershipFactory, ProposalFactory
from tests.security.test_rights_follow_status import proposal_form_data

pytestmark = pytest.mark.django_db

MISSING = str(EDIT_VERSION_MISSING_MESSAGE)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def without_version(data, key="edit_version"):
    return {name: value for name, value in data.items() if name != key}


# --- the CSO profile ---------------------------------------------------------------------------


@pytest.fixture
def cso(db):
    return CSOFactory(status=CSO.Status.PUBLISHED)


def profile_data(cso, **changes):
    return valid_profile(
        name=cso.name,
        kind=cso.kind,
        corporate_number="",
        municipality=cso.municipality_id,
        **changes,
    )


def test_a_profile_edit_without_its_version_is_refused_on_the_member_page(cso):
    client = signed_in(MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user)
    url = reverse("account:cso_edit", args=[cso.pk])
    before = CSO.objects.values().get(pk=cso.pk)

    response = client.post(url, profile_data(cso, description="版のない保存"))

    assert response.status_code == 200
    assert MISSING in response.text
    assert CSO.objects.values().get(pk=cso.pk) == before
    # The same edit carrying the version the page was opened on goes through.
    saved = client.post(url, profile_data(cso, description="版のない保存", edit_version=1))
    assert saved.status_code == 302
    assert CSO.objects.get(pk=cso.pk).description == "版のない保存"


def admin_profile_data(client, url, cso, **changes):
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "activity_fields": [f.pk for f in cso.activity_fields.all()],
            "areas": [a.pk for a in cso.areas.all()],
            "contact_public": "",
            **changes,
        }
    )
    for prefix in ("survey_answers", "memberships", "history"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def test_a_profile_edit_without_its_version_is_refused_in_the_admin(cso, coordinator):
    client = signed_in(coordinator)
    url = reverse("admin:cso_registry_cso_change", args=[cso.pk])
    data = admin_profile_data(client, url, cso, description="県の代理入力")
    assert data["edit_version"] == 1
    before = CSO.objects.values().get(pk=cso.pk)

    response = client.post(url, without_version(data))

    assert response.status_code == 200
    assert MISSING in response.text
    assert CSO.objects.values().get(pk=cso.pk) == before
    assert client.post(url, data).status_code == 302
    assert CSO.objects.get(pk=cso.pk).description == "県の代理入力"


def test_a_new_cso_needs_no_version(db):
    user = MembershipFactory(role=Membership.Role.ADMIN).user
    client = signed_in(user)

    response = client.post(reverse("account:cso_register"), valid_profile())

    assert response.status_code == 302
    assert CSO.objects.filter(name=valid_profile()["name"]).exists()


def test_the_survey_import_updates_an_existing_cso_without_a_version(cso, coordinator):
    sheet = (
        f"団体名,所在地の市町,回答年度,電話番号\n{cso.name},{cso.municipality.name},,0952-11-2222\n"
    )

    result = import_survey(sheet.encode(), "調査.csv", by=coordinator, dry_run=False)

    assert result.ok and result.updated == 1, result.errors
    assert CSO.objects.get(pk=cso.pk).phone == "0952-11-2222"


# --- the proposal draft ------------------------------------------------------------------------


@pytest.fixture
def member(db):
    return MembershipFactory(role=Membership.Role.ADMIN).user


@pytest.fixture
def draft(member, department):
    proposal = ProposalFactory.build(cso=member.memberships.get().cso, department=department)
    return services.proposal_create(proposal=proposal, by=member)


def test_a_draft_edit_without_its_version_is_refused(draft, member):
    client = signed_in(member)
    url = reverse("proposals:my_edit", args=[draft.pk])
    data = proposal_form_data(draft, member, title="版のない題名")
    assert data["edit_version"] == "1"  # what the page carries
    before = type(draft).objects.values().get(pk=draft.pk)

    response = client.post(url, without_version(data))

    assert response.status_code == 200
    assert MISSING in response.text
    assert 'value="版のない題名"' in response.text  # what the member wrote is not lost
    assert type(draft).objects.values().get(pk=draft.pk) == before
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("版のない題名", 2)


def test_a_new_proposal_needs_no_version(member, department):
    client = signed_in(member)
    page = client.get(reverse("proposals:my_create"))
    assert "edit_version" not in page.context["form"].fields


# --- the evaluation's parts --------------------------------------------------------------------


@pytest.fixture
def evaluation(department, promoter):
    agreement = make_agreement(department=department)
    evaluation = evaluation_services.evaluation_start(agreement=agreement, by=promoter)
    evaluation.member = MembershipFactory(
        cso=agreement.current_version.parties.get().cso, role=Membership.Role.MEMBER
    ).user
    return evaluation


def test_a_part_save_without_its_version_is_refused_on_the_member_page(evaluation):
    client = signed_in(evaluation.member)
    url = reverse("evaluations:my_part", args=[evaluation.pk])
    data = {f"part-{name}": value for name, value in {**FULL_PART, "lessons": "版なし"}.items()}
    before = list(evaluation.parts.order_by("side").values())

    response = client.post(url, data)

    assert response.status_code == 400
    assert MISSING in response.text
    assert list(evaluation.parts.order_by("side").values()) == before
    assert client.post(url, {**data, "part-edit_version": "1"}).status_code == 302
    assert evaluation.parts.get(side=Side.CSO).lessons == "版なし"


def test_a_prefecture_part_without_its_version_is_refused_in_the_admin(evaluation, promoter):
    part = evaluation.parts.get(side=Side.PREFECTURE)
    client = signed_in(promoter)
    url = reverse("admin:evaluations_evaluation_change", args=[evaluation.pk])
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
                    f"{prefix}-evaluation": str(evaluation.pk),
                    **{
                        f"{prefix}-{name}": "" if value is None else value
                        for name, value in {**FULL_PART, "lessons": "版なし"}.items()
                    },
                }
            )
    before = list(evaluation.parts.order_by("side").values())

    response = client.post(url, data)

    assert response.status_code == 200
    assert MISSING in response.text
    assert list(evaluation.parts.order_by("side").values()) == before
    assert client.post(url, {**data, f"{prefix}-edit_version": "1"}).status_code == 302
    assert evaluation.parts.get(side=Side.PREFECTURE).lessons == "版なし"
