import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluations import stats
from evaluations.models import Decision, Evaluation, EvaluationTransition, Side


@pytest.mark.django_db
def test_seed_demo_shows_every_part_of_the_evaluations(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())

    published = Evaluation.objects.published()
    assert published.values("fiscal_year").distinct().count() >= 2
    assert set(published.values_list("decision", flat=True)) == set(Decision.values)
    assert Evaluation.objects.filter(status=Evaluation.Status.DRAFT).count() >= 2
    assert EvaluationTransition.objects.filter(
        action=EvaluationTransition.Action.WITHDRAWN
    ).exists()
    follow_up = Evaluation.objects.exclude(follow_up_proposal=None).get()
    assert follow_up.follow_up_proposal.source_evaluation == follow_up
    interim = Evaluation.objects.get(kind=Evaluation.Kind.INTERIM)
    assert not interim.parts_revealed and interim.prefecture_part.is_submitted
    figures = stats.collect()
    assert figures["total"] > 0 and figures["evaluation_count"] == published.count()

    client.force_login(interim.created_by.__class__.objects.get(email="cso@example.jp"))
    page = client.get(interim.get_member_url())
    assert page.status_code == 200
    assert interim.part(Side.PREFECTURE).went_well not in page.content.decode()
    assert client.get(reverse("evaluations:stats")).status_code == 200
