"""Migrations that would lock a big table on PostgreSQL while the portal serves are refused
(`manage.py lint_migrations`, run by `make check` in CI; docs/deploy.md).

The release step migrates while the previous code still answers people. A statement that holds
a table's lock for as long as it reads or rewrites every row (a plain CREATE INDEX, a type
change, SET NOT NULL, a CHECK constraint validated at once) stops every page that writes — or
reads — that table for minutes at the national scale (350,000 CSOs, 1,000,000 proposals). The
rules below name such operations on the tables in ``BIG_TABLES`` and say what to write instead.
A table created in the same migration is empty, so anything goes there. ``ALLOWED`` lists the
migrations let through, each with its reason.
"""

import contextlib
import inspect
from dataclasses import dataclass

from django.contrib.postgres.operations import AddConstraintNotValid, AddIndexConcurrently
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.models.expressions import Value

# Tables that grow with the country (DESIGN.md「Data and scale」) or with every request.
BIG_TABLES = {
    "kyodo_portal.user",
    "kyodo_portal.accountsession",
    "kyodo_portal.personaldataaccess",
    "kyodo_portal.outgoingmail",
    "kyodo_portal.backgroundjob",
    "cso_registry.cso",
    "cso_registry.surveyanswer",
    "cso_registry.csohistoryentry",
    "cso_registry.membership",
    "proposals.proposal",
    "proposals.proposaltransition",
    "proposals.consultationentry",
    "proposals.attachment",
    "proposals.reviewassignment",
    "proposals.reviewscore",
    "proposals.agreement",
    "proposals.agreementversion",
    "proposals.agreementparty",
    "proposals.roleassignment",
    "proposals.agreementtransition",
    "proposals.progressreport",
    "proposals.progressattachment",
    "evaluations.evaluation",
    "evaluations.evaluationpart",
    "evaluations.evaluationtransition",
    "outreach.registration",
    "advisors.advisorrequest",
    "advisors.advisorrequesttransition",
}

# (app, migration): why it may do what the rules refuse. The migrations written before the
# linter (issue 17) were applied on every installation while the tables were small.
BEFORE_THE_LINTER = "適用済み（この検査より前、表が小さいうちに全環境で実行）"
ALLOWED = {
    ("cso_registry", "0007_keyword_bigram_and_directory_indexes"): BEFORE_THE_LINTER,
    ("proposals", "0007_agreement_public_list_indexes"): BEFORE_THE_LINTER,
    ("proposals", "0008_proposal_admin_list_indexes"): BEFORE_THE_LINTER,
    ("proposals", "0009_proposal_year_index_without_include"): BEFORE_THE_LINTER,
    ("proposals", "0011_agreement_terms_on_the_version"): BEFORE_THE_LINTER,
}

RULES = {
    "index-not-concurrent": (
        "索引を作る間、表への書き込みが止まります。",
        "django.contrib.postgres.operations.AddIndexConcurrently を atomic = False の"
        "マイグレーションで使ってください（外部キーは db_index=False で足してから索引を別に）。",
    ),
    "constraint-validates": (
        "検査制約を確かめる間（表全体を読む間）、書き込みが止まります。",
        "AddConstraintNotValid のあと、別のマイグレーションで ValidateConstraint にしてください。",
    ),
    "column-rewrite": (
        "表全体を書き直す（または確かめる）間、読み書きが止まります。",
        "新しい列を足して写し、コードを切り替えてから古い列を消してください。",
    ),
    "volatile-default": (
        "呼ぶたびに変わる db_default の列を足すと、表全体を書き直します。",
        "NULL 可で足して、少しずつ埋めてください。",
    ),
    "run-sql": (
        "大きな表に触れる SQL は、何をロックするか検査できません。",
        "上の操作に書き換えるか、理由を書いて ALLOWED に載せてください。",
    ),
}


@dataclass(frozen=True)
class Finding:
    app: str
    migration: str
    rule: str
    operation: str

    def message(self):
        why, instead = RULES[self.rule]
        return f"{self.app}.{self.migration}: {self.operation} [{self.rule}] {why}{instead}"


def _creates_index(field):
    """A primary key, a unique field and a foreign key (db_index by default) build an index."""
    return bool(field.primary_key or field.unique or field.db_index)


def _column_type(field):
    from django.db.backends.postgresql.base import DatabaseWrapper

    connection = DatabaseWrapper({"NAME": "lint", "OPTIONS": {}, "TIME_ZONE": None}, alias="lint")
    return field.db_type(connection)


def _rewrites(old, new):
    """Whether PostgreSQL rewrites or scans the table to change ``old`` into ``new``."""
    if old.null and not new.null:
        return True  # SET NOT NULL reads every row under an ACCESS EXCLUSIVE lock
    before, after = _column_type(old), _column_type(new)
    if before == after or after == "text":
        return False
    if before.startswith("varchar(") and after.startswith("varchar("):
        return int(after[8:-1]) < int(before[8:-1])  # widening is a catalog change only
    return True


def _is_volatile(expression):
    return expression is not models.NOT_PROVIDED and not isinstance(expression, Value)


def _touches(sql, tables):
    text = " ".join(sql if isinstance(sql, list | tuple) else [sql]).lower()
    return "concurrently" not in text and any(table in text for table in tables)


def _runs_ddl(code, tables):
    """Whether the function of a RunPython writes DDL on a big table (its source says so)."""
    try:
        source = inspect.getsource(inspect.getmodule(code))
    except (OSError, TypeError):
        return False
    lowered = source.lower()
    ddl = any(word in lowered for word in ("create index", "create unique index", "alter table"))
    return ddl and _touches(source, tables)


def check_operation(app, operation, state, created, tables):
    """The rules ``operation`` of app ``app`` breaks, given the state before it."""
    if isinstance(operation, migrations.SeparateDatabaseAndState):
        return [
            rule
            for inner in operation.database_operations
            for rule in check_operation(app, inner, state, created, tables)
        ]
    if isinstance(operation, migrations.RunSQL):
        return ["run-sql"] if _touches(operation.sql, tables) else []
    if isinstance(operation, migrations.RunPython):
        return ["run-sql"] if _runs_ddl(operation.code, tables) else []
    model = getattr(operation, "model_name", None) or getattr(operation, "name", "")
    label = f"{app}.{str(model).lower()}"
    if label not in BIG_TABLES or label in created:
        return []
    if isinstance(operation, migrations.AddIndex) and not isinstance(
        operation, AddIndexConcurrently
    ):
        return ["index-not-concurrent"]
    if isinstance(operation, migrations.AddField):
        found = []
        if _creates_index(operation.field):
            found.append("index-not-concurrent")
        if _is_volatile(getattr(operation.field, "db_default", models.NOT_PROVIDED)):
            found.append("volatile-default")
        return found
    if isinstance(operation, migrations.AlterField):
        old = state.models[app, operation.model_name_lower].fields[operation.name]
        new = operation.field
        found = []
        if _creates_index(new) and not _creates_index(old):
            found.append("index-not-concurrent")
        if _rewrites(old, new):
            found.append("column-rewrite")
        return found
    if isinstance(operation, migrations.AddConstraint) and not isinstance(
        operation, AddConstraintNotValid
    ):
        if isinstance(operation.constraint, models.UniqueConstraint):
            return ["index-not-concurrent"]
        return ["constraint-validates"]
    if isinstance(operation, migrations.AlterUniqueTogether | migrations.AlterIndexTogether):
        before = state.models[app, operation.name_lower].options.get(operation.option_name) or set()
        if set(operation.option_value or ()) - set(before):
            return ["index-not-concurrent"]
    return []


def _needs_state(operation):
    if isinstance(operation, migrations.SeparateDatabaseAndState):
        return any(_needs_state(inner) for inner in operation.database_operations)
    return isinstance(
        operation,
        migrations.AlterField | migrations.AlterUniqueTogether | migrations.AlterIndexTogether,
    )


def lint(apps_to_check, *, allowed=None):
    """Findings for the migrations of ``apps_to_check`` (app labels), less those in ``allowed``."""
    from django.apps import apps

    allowed = ALLOWED if allowed is None else allowed
    tables = set()
    for label in BIG_TABLES:
        with contextlib.suppress(LookupError):
            tables.add(apps.get_model(label)._meta.db_table.lower())
    loader = MigrationLoader(None, ignore_no_migrations=True)
    findings = []
    for key in sorted(loader.disk_migrations):
        app, name = key
        if app not in apps_to_check or key in allowed:
            continue
        migration = loader.disk_migrations[key]
        state = None
        created = set()
        for operation in migration.operations:
            if state is None and _needs_state(operation):
                state = loader.project_state(key, at_end=False)
                for earlier in migration.operations:
                    if earlier is operation:
                        break
                    earlier.state_forwards(app, state)
            for rule in check_operation(app, operation, state, created, tables):
                findings.append(Finding(app, name, rule, operation.describe()))
            if isinstance(operation, migrations.CreateModel):
                created.add(f"{app}.{operation.name_lower}")
            if state is not None:
                operation.state_forwards(app, state)
    return findings
