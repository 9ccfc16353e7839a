import pytest

from cso_registry import sections
from evaluations.models import Evaluation, evaluable_agreements
from evaluations.sections import cso_track_record
from kyodo_portal.notifications import render_email
from proposals.models import Agreement
from tests.evaluations.conftest import make_agreement

pytestmark = pytest.mark.django_db

TEMPLATES = [
    "evaluation_started",
    "evaluation_part_submitted",
    "evaluation_both_submitted",
    "evaluation_decision_proposed",
    "evaluation_decision_confirmed",
    "evaluation_ready",
    "evaluation_published",
    "evaluation_withdrawn",
    "evaluation_reopened",
]


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("side", ["cso", "prefecture"])
def test_every_evaluation_email_renders_with_a_link(evaluation, template, side):
    subject, body = render_email(
        template,
        {
            "evaluation": evaluation,
            "agreement": evaluation.agreement,
            "side": side,
            "site_url": "https://kyodo.example.jp",
            "reason": "理由の文",
        },
    )
    assert evaluation.agreement.title in subject
    assert "https://kyodo.example.jp/" in body
    if template != "evaluation_ready":
        expected = (
            evaluation.get_member_url()
            if side == "cso"
            else f"/admin/evaluations/evaluation/{evaluation.pk}/change/"
        )
        assert expected in body


def test_the_track_record_section_is_registered_by_the_app():
    assert cso_track_record in sections._detail_sections


def test_evaluable_agreements_leave_out_what_is_already_being_evaluated(
    department, promoter, evaluation
):
    from evaluations import services

    running = make_agreement(department=department, status=Agreement.Status.IN_PROGRESS)
    fresh = make_agreement(department=department)
    assert set(evaluable_agreements(Agreement.objects.all())) == {running, fresh}
    services.evaluation_start(agreement=running, by=promoter, kind=Evaluation.Kind.INTERIM)
    assert set(evaluable_agreements(Agreement.objects.all())) == {fresh}
