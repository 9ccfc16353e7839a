"""The shared step declaration (kyodo_portal/steps.py): the guard a service calls and the list
the admin offers answer from the same rules."""

from types import SimpleNamespace

import pytest

from kyodo_portal.errors import ActorNotAllowed, TransitionNotAllowed
from kyodo_portal.steps import Rule, Step, Steps


def record(status, **fields):
    return SimpleNamespace(status=status, **fields)


def taken(*, thing, by, **inputs):
    return (thing, by, inputs)


def step(name, **fields):
    return Step(name=name, label=name, service=taken, keyword="thing", **fields)


STEPS = Steps(
    step(
        "open",
        allowed_from=("draft",),
        refused=lambda thing: f"「{thing.status}」からは開けません。",
        rules=(Rule(lambda thing, by: thing.ready, "準備ができていません。"),),
    ),
    step("close", allowed_from=("open",), refused="開いていません。"),
    step(
        "archive",
        who=lambda user, thing: user == "coordinator",
        rules=(
            Rule(
                lambda thing, by: by != thing.owner, "自分では片付けられません。", ActorNotAllowed
            ),
        ),
    ),
    step("child", target=lambda thing: thing.child, allowed_from=("draft",), refused="だめです。"),
)


def test_the_guard_refuses_with_the_first_rule_that_does_not_hold():
    with pytest.raises(TransitionNotAllowed, match="「open」からは開けません。"):
        STEPS.require("open", record("open", ready=False))
    with pytest.raises(TransitionNotAllowed, match="準備ができていません。"):
        STEPS.require("open", record("draft", ready=False))
    with pytest.raises(ActorNotAllowed, match="自分では"):
        STEPS.require("archive", record("open", owner="staff"), by="staff")
    STEPS.require("open", record("draft", ready=True))


def test_the_steps_offered_are_those_the_guard_lets_through_in_declared_order():
    thing = record("draft", ready=True, owner="staff", child=None)

    assert [s.name for s in STEPS.available(thing, "coordinator")] == ["open", "archive"]
    assert [s.name for s in STEPS.available(thing, "staff")] == ["open"]
    assert [
        s.name for s in STEPS.available(record("open", ready=True, owner="staff", child=None))
    ] == [
        "close",
        "archive",
    ]


def test_a_step_on_a_part_of_the_object_is_offered_only_when_the_part_is_there():
    child = record("draft")

    assert STEPS["child"].is_available(record("open", child=child))
    assert not STEPS["child"].is_available(record("draft", child=None))
    assert STEPS["child"].take(record("open", child=child), by="staff", comment="x") == (
        child,
        "staff",
        {"comment": "x"},
    )


def test_a_step_is_declared_once_and_a_state_rule_says_why_it_refuses():
    with pytest.raises(ValueError):
        Steps(step("open"), step("open"))
    with pytest.raises(ValueError):
        step("open", allowed_from=("draft",))
