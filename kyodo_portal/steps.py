"""Staff steps, each declared once: its name, its label, the states it may be taken from, what it
asks for, who takes it and the service that does it.

One declaration has three readers, so that a step's rule is written in one place:
- the service's guard: ``STEPS.require(name, obj, by=by)``, once the row is locked, raises
  the refusal of the first rule that does not hold (TransitionNotAllowed unless the rule says
  otherwise), with the person's message;
- the admin: its buttons, bulk actions, step URLs and step pages read ``STEPS.available(obj,
  user)`` and ``STEPS[name]`` (label, form, comment required), and take a step with
  ``step.take(obj, by=user, **inputs)``;
- the templates: ``step.name`` and ``step.label``.

A step is available when the person may take it (``who``), there is something to take it on
(``target``) and every rule holds; the service refuses exactly the steps that are not.
What the person types (a comment, a date, a report) is checked by the service itself.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kyodo_portal.errors import TransitionNotAllowed


@dataclass(frozen=True)
class Rule:
    """A condition a step needs, and the refusal when it does not hold.

    ``holds(obj, by)``: ``obj`` is what the step acts on, ``by`` who takes it (None when only
    the object is asked about). ``refusal``: the message, or a function of ``obj`` giving it.
    """

    holds: Callable[[Any, Any], bool]
    refusal: Any
    error: type = TransitionNotAllowed

    def refuse(self, obj):
        message = self.refusal(obj) if callable(self.refusal) else self.refusal
        return self.error(str(message))


def state_refusal(message, **params):
    """A refusal that names the object's state: ``message`` is formatted with ``status`` (the
    label of the object's status) and ``params``, each a value or a function of the object."""

    def refusal(obj):
        values = {name: value(obj) if callable(value) else value for name, value in params.items()}
        return str(message) % {"status": obj.get_status_display(), **values}

    return refusal


def check(rules, obj, by=None):
    """Raise the refusal of the first of ``rules`` that does not hold."""
    for rule in rules:
        if not rule.holds(obj, by):
            raise rule.refuse(obj)


@dataclass(frozen=True, kw_only=True)
class Step:
    """One staff step. ``allowed_from`` are the states (``obj.status``) it may be taken from,
    refused with ``refused`` (a message, or a function of the object) from any other; ``rules``
    are what it needs beyond the state. ``target`` gives what the service acts on from the
    object the admin shows (default: that object), passed as ``keyword``. ``who(user, obj)``:
    who may take it (anyone who can open the object when None)."""

    name: str
    label: Any
    service: Callable
    keyword: str
    allowed_from: tuple = ()
    refused: Any = None
    rules: tuple = ()
    who: Callable | None = None
    target: Callable | None = None
    comment_required: bool = False
    form: type | None = None

    def __post_init__(self):
        if self.allowed_from and self.refused is None:
            raise ValueError(f"step {self.name}: allowed_from needs its refusal (refused)")

    @property
    def all_rules(self):
        if not self.allowed_from:
            return self.rules
        in_state = Rule(lambda obj, by: obj.status in self.allowed_from, self.refused)
        return (in_state, *self.rules)

    def target_of(self, obj):
        return obj if self.target is None else self.target(obj)

    def require(self, obj, by=None):
        """The service's guard: ``obj`` (the locked row the service acts on) allows this step."""
        check(self.all_rules, obj, by)

    def is_allowed_on(self, obj, by=None):
        return all(rule.holds(obj, by) for rule in self.all_rules)

    def may(self, user, obj):
        return self.who is None or self.who(user, obj)

    def is_available(self, obj, user=None):
        """Offer the step on ``obj`` (the object the admin shows) to ``user``."""
        if user is not None and not self.may(user, obj):
            return False
        target = self.target_of(obj)
        return target is not None and self.is_allowed_on(target, user)

    def take(self, obj, *, by, **inputs):
        """Call the service on ``obj`` (the object the admin shows) with the person's inputs."""
        return self.service(**{self.keyword: self.target_of(obj)}, by=by, **inputs)


class Steps(Mapping):
    """An app's staff steps by name, in the order the admin offers them."""

    def __init__(self, *steps):
        self._steps = {step.name: step for step in steps}
        if len(self._steps) != len(steps):
            raise ValueError("a step is declared twice")

    def __getitem__(self, name):
        return self._steps[name]

    def __iter__(self):
        return iter(self._steps)

    def __len__(self):
        return len(self._steps)

    def require(self, name, obj, by=None):
        self[name].require(obj, by)

    def available(self, obj, user=None):
        """The steps ``user`` may take on ``obj`` now."""
        return [step for step in self._steps.values() if step.is_available(obj, user)]
