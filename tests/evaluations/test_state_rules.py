"""Which kind of evaluation may start is the model's rule (Evaluation.kind_to_start): the list
offers that kind, and the service starts that kind only."""

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import Evaluation, evaluable_agreements
from proposals.models import Agreement
from tests.evaluations.conftest import make_agreement

pytestmark = pytest.mark.django_db
S = Agreement.Status
K = Evaluation.Kind

KIND_BY_STATUS = {S.COMPLETED: K.FINAL, S.IN_PROGRESS: K.INTERIM}


@pytest.mark.parametrize("status", list(S))
def test_a_completed_agreement_starts_a_final_and_a_running_one_an_interim_evaluation(
    department, promoter, status
):
    agreement = make_agreement(department=department, status=status)
    kind = KIND_BY_STATUS.get(status)

    assert Evaluation.kind_to_start(agreement) == kind
    offered = {a.pk: a.evaluation_kind for a in evaluable_agreements(Agreement.objects.all())}
    assert offered == ({agreement.pk: kind} if kind else {})
    for other in set(K) - {kind}:
        with pytest.raises(services.TransitionNotAllowed):
            services.evaluation_start(agreement=agreement, by=promoter, kind=other)
    if kind:
        assert services.evaluation_start(agreement=agreement, by=promoter, kind=kind).kind == kind


def test_the_list_offers_each_agreement_the_kind_it_may_start(
    client, department, agreement, cso_member
):
    running = make_agreement(
        department=department,
        status=S.IN_PROGRESS,
        cso=agreement.current_version.parties.get().cso,
    )
    client.force_login(cso_member)

    page = client.get(reverse("evaluations:my_list")).content.decode()

    for offered, kind, button in (
        (agreement, "final", "完了時の振り返りを始める"),
        (running, "interim", "今年度の中間の振り返りを始める"),
    ):
        action = reverse("evaluations:my_start", args=[offered.pk])
        form = page.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
        assert f'name="kind" value="{kind}"' in form and button in form
