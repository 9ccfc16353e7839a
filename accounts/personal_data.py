"""What the portal holds about a person, and what closing their account does to it.

accounts sits just above the kernel, below every app that keeps personal data, so it cannot
import them: each app tells it here, in its AppConfig.ready(), three things —

- **what stops closing** (``register_closing_blocker``): ``func(user)`` returns a list of
  ``Blocker`` (a message for the person, with links to where they can fix it), empty when
  nothing stands in the way. Example: the last 管理者 of a CSO (cso_registry).
- **what closing does here** (``register_closing_step``): a ``ClosingStep`` says, in the
  person's words, what ends or is removed (``does``) and what the prefecture keeps with the
  name only (``keeps``) — the closing page lists these before the person confirms — and
  ``run(user, placeholder_email)`` does it, inside the one transaction of
  ``accounts.closing.account_close``, before the account itself is closed. ``run`` returns
  lines for the last notice ("…を退会しました") and raises ``ClosingRefused`` when something
  found under lock stops it (everything is rolled back).
- **what the person can download** (``register_export_section``): ``func(user)`` returns a
  ``Section`` (a title, its columns and one dict per row, values as the person reads them) or
  None. A section shows only the person's own rows, never someone else's personal data
  beyond what the person already sees, in a fixed number of queries whatever the number of
  rows (select_related / prefetch_related).

Entries run in registration order: the order of INSTALLED_APPS (lowest app first).
"""

import datetime
from dataclasses import dataclass, field
from operator import attrgetter, methodcaller

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

_blockers = []
_steps = []
_sections = []


class ClosingRefused(Exception):
    """The account cannot be closed now: each blocker says why and where to fix it."""

    def __init__(self, blockers):
        self.blockers = list(blockers)
        super().__init__(" ".join(str(blocker.message) for blocker in self.blockers))


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Blocker:
    message: str
    links: tuple = ()


@dataclass(frozen=True)
class ClosingStep:
    """``does`` and ``keeps`` are (what, how) pairs for the closing page."""

    key: str
    does: tuple = ()
    keeps: tuple = ()
    run: object = None  # run(user, placeholder_email) -> list of lines for the last notice


@dataclass
class Section:
    """One part of the export: ``columns`` maps each key of a row to its label."""

    key: str
    title: str
    columns: dict
    rows: list
    note: str = ""
    wide: bool = field(init=False, default=False)

    def __post_init__(self):
        self.wide = len(self.columns) > 5

    @classmethod
    def of(cls, *, key, title, objects, columns, note=""):
        """One row per object. ``columns`` maps each key to (label, value), the value an
        attribute path ("cso.name") or a function of the object (see ``shown``)."""
        getters = {
            name: attrgetter(value) if isinstance(value, str) else value
            for name, (_label, value) in columns.items()
        }
        return cls(
            key=key,
            title=title,
            note=note,
            columns={name: label for name, (label, _value) in columns.items()},
            rows=[{name: get(obj) for name, get in getters.items()} for obj in objects],
        )

    def display_rows(self):
        """Each row as [(label, text)], the way the HTML page shows it."""
        return [
            [(label, display(row.get(key))) for key, label in self.columns.items()]
            for row in self.rows
        ]

    def as_json(self):
        return {
            "key": self.key,
            "title": str(self.title),
            "note": str(self.note),
            "columns": {key: str(label) for key, label in self.columns.items()},
            "rows": [{key: json_value(row.get(key)) for key in self.columns} for row in self.rows],
        }


def shown(field_name):
    """A column value: the choice field's label as the person reads it (get_FOO_display)."""
    return methodcaller(f"get_{field_name}_display")


STATUS_CHANGE = {
    "from_status": (_lazy("変更前"), shown("from_status")),
    "to_status": (_lazy("変更後"), shown("to_status")),
}
ACTION = {"action": (_lazy("操作"), shown("action"))}


def history_section(records, *, key, title, columns, comment_label=None, note=""):
    """The person's steps in a history (kyodo_portal.models.HistoryRecord): when, what it was
    on (``columns``: usually the record it belongs to, then STATUS_CHANGE or ACTION), and the
    comment; oldest first."""
    return Section.of(
        key=key,
        title=title,
        note=note,
        objects=records.order_by("at", "pk"),
        columns={
            "at": (_lazy("日時"), "at"),
            **columns,
            "comment": (comment_label or _lazy("コメント"), "comment"),
        },
    )


def register_closing_blocker(func):
    if func not in _blockers:
        _blockers.append(func)
    return func


def register_closing_step(step):
    if all(existing.key != step.key for existing in _steps):
        _steps.append(step)
    return step


def register_export_section(func):
    if func not in _sections:
        _sections.append(func)
    return func


def closing_blockers(user):
    return [blocker for func in _blockers for blocker in func(user)]


def closing_steps():
    return list(_steps)


def export_sections(user):
    return [section for func in _sections if (section := func(user)) is not None]


# --- values as the person reads them ------------------------------------------------------


def display(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def json_value(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)
