import pytest

from evaluations import services
from evaluations.models import Evaluation, EvaluationTransition, Side
from tests.concurrency import require_postgres, run_together, slow_down
from tests.evaluations.conftest import complete

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def postgres_only():
    require_postgres()


def race(calls, monkeypatch):
    """Run ``calls`` (name → callable) at once; the log write is slowed down so that the
    second caller surely waits on the row lock."""
    slow_down(monkeypatch, services, "_log")
    return run_together(*calls.items())


@pytest.mark.django_db(transaction=True)
def test_both_sides_starting_at_once_make_one_evaluation(
    postgres_only, agreement, cso_member, promoter, monkeypatch
):
    outcomes = race(
        {
            "cso": lambda: services.evaluation_start(agreement=agreement, by=cso_member),
            "prefecture": lambda: services.evaluation_start(agreement=agreement, by=promoter),
        },
        monkeypatch,
    )
    assert sorted(outcomes.values())[0] == "ok"
    assert list(outcomes.values()).count("ok") == 1
    assert Evaluation.objects.count() == 1
    assert Evaluation.objects.get().parts.count() == 2


@pytest.mark.django_db(transaction=True)
def test_publish_and_a_second_publish_at_once_log_one_publication(
    postgres_only, evaluation, cso_member, promoter, coordinator, monkeypatch
):
    complete(evaluation, cso_member, promoter)
    outcomes = race(
        {
            name: lambda: services.evaluation_publish(
                evaluation=Evaluation.objects.get(pk=evaluation.pk), by=coordinator
            )
            for name in ("first", "second")
        },
        monkeypatch,
    )
    assert list(outcomes.values()).count("ok") == 1
    assert (
        EvaluationTransition.objects.filter(action=EvaluationTransition.Action.PUBLISHED).count()
        == 1
    )
    assert Evaluation.objects.get().parts.filter(side=Side.CSO).get().is_submitted
