"""Sections evaluations adds to pages of the apps below it (registered in apps.ready)."""

from evaluations.models import Evaluation
from proposals.models import Agreement


def cso_track_record(request, cso):
    """The CSO's public track record: its collaborations (締結 or later) and published
    evaluations. Two queries."""
    agreements = list(
        Agreement.objects.public()
        .of_cso(cso)
        .select_related("current_version", "department__parent")
        .order_by("-concluded_on", "-id")
    )
    evaluations = list(
        Evaluation.objects.published()
        .of_cso(cso)
        .select_related("agreement__current_version")
        .order_by("-fiscal_year", "-id")
    )
    return (
        "evaluations/includes/_cso_track_record.html",
        {"track_agreements": agreements, "track_evaluations": evaluations},
    )
