"""The shared history base (kyodo_portal.models.HistoryRecord): how a step reads wherever a
history is shown (admin inlines, member pages)."""

import pytest

from advisors.models import AdvisorRequestTransition
from cso_registry.models import CSOHistoryEntry
from proposals.models import AgreementTransition
from tests.factories import UserFactory


def test_a_status_change_reads_in_labels_and_a_first_step_names_its_state_alone():
    first = AdvisorRequestTransition(from_status="", to_status="submitted")
    step = AdvisorRequestTransition(from_status="submitted", to_status="scheduled")

    assert str(first) == first.status_change == "申込受付"
    assert str(step) == step.status_change == "申込受付 → 派遣決定"
    assert step.moves_status and not first.moves_status


def test_a_step_with_an_action_reads_as_the_action():
    step = AgreementTransition(action="concluded", from_status="confirmed", to_status="concluded")

    assert str(step) == "締結"
    assert step.status_change == "CSO確認済 → 締結"


@pytest.mark.django_db
def test_a_step_by_a_command_is_shown_as_the_system():
    person = UserFactory(full_name="佐賀 花子")

    assert CSOHistoryEntry(by=None, action="reminded").by_label() == "システム"
    assert CSOHistoryEntry(by=person, action="updated").by_label() == "佐賀 花子"
