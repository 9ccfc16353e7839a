"""The migration linter (kyodo_portal/migration_lint.py, `manage.py lint_migrations`) refuses what
would lock a big table on PostgreSQL, lets the safe forms through, and passes this repository."""

import pytest
from django.contrib.postgres.operations import AddConstraintNotValid, AddIndexConcurrently
from django.core.management import call_command
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.models import Q
from django.db.models.functions import Now

from kyodo_portal.migration_lint import check_operation, lint

TABLES = {"proposals_proposal", "cso_registry_cso"}


@pytest.fixture(scope="module")
def state():
    return MigrationLoader(None, ignore_no_migrations=True).project_state()


def rules(app, operation, state, created=()):
    return check_operation(app, operation, state, set(created), TABLES)


def index(name="x_idx"):
    return models.Index(fields=["status"], name=name)


def test_a_plain_index_on_a_big_table_is_refused_and_a_concurrent_one_passes(state):
    assert rules("proposals", migrations.AddIndex("proposal", index()), state) == [
        "index-not-concurrent"
    ]
    assert rules("proposals", AddIndexConcurrently("proposal", index()), state) == []


def test_small_tables_and_tables_created_in_the_same_migration_are_free(state):
    assert rules("cso_registry", migrations.AddIndex("municipality", index()), state) == []
    assert (
        rules("proposals", migrations.AddIndex("proposal", index()), state, ["proposals.proposal"])
        == []
    )


def test_adding_a_column_that_builds_an_index_or_rewrites_the_table_is_refused(state):
    foreign_key = models.ForeignKey("cso_registry.CSO", null=True, on_delete=models.SET_NULL)
    unindexed = models.ForeignKey(
        "cso_registry.CSO", null=True, on_delete=models.SET_NULL, db_index=False
    )

    assert rules("proposals", migrations.AddField("proposal", "x", foreign_key), state) == [
        "index-not-concurrent"
    ]
    assert rules("proposals", migrations.AddField("proposal", "x", unindexed), state) == []
    volatile = models.DateTimeField(db_default=Now())
    assert rules("proposals", migrations.AddField("proposal", "x", volatile), state) == [
        "volatile-default"
    ]
    constant = models.IntegerField(default=0)
    assert rules("proposals", migrations.AddField("proposal", "x", constant), state) == []


def test_changing_a_column_in_a_way_that_rewrites_or_scans_the_table_is_refused(state):
    def alter(field):
        return rules("cso_registry", migrations.AlterField("cso", "name", field), state)

    assert alter(models.CharField(max_length=400)) == []  # wider: the catalog only
    assert alter(models.TextField()) == []
    assert alter(models.CharField(max_length=50)) == ["column-rewrite"]
    assert alter(models.CharField(max_length=400, db_index=True)) == ["index-not-concurrent"]
    member_count = state.models["cso_registry", "cso"].fields["member_count"]
    assert member_count.null
    assert rules(
        "cso_registry",
        migrations.AlterField("cso", "member_count", models.PositiveIntegerField(default=0)),
        state,
    ) == ["column-rewrite"]  # SET NOT NULL reads every row


def test_constraints_are_added_not_valid_first(state):
    check = models.CheckConstraint(condition=Q(fiscal_year__gte=2000), name="year_ok")
    unique = models.UniqueConstraint(fields=["cso", "title"], name="one_title")

    assert rules("proposals", migrations.AddConstraint("proposal", check), state) == [
        "constraint-validates"
    ]
    assert rules("proposals", AddConstraintNotValid("proposal", check), state) == []
    assert rules("proposals", migrations.AddConstraint("proposal", unique), state) == [
        "index-not-concurrent"
    ]


def test_raw_sql_on_a_big_table_is_refused_unless_concurrent(state):
    plain = migrations.RunSQL("CREATE INDEX x ON proposals_proposal (status)")
    concurrent = migrations.RunSQL("CREATE INDEX CONCURRENTLY x ON proposals_proposal (status)")
    elsewhere = migrations.RunSQL("CREATE INDEX x ON outreach_newsitem (title)")

    assert rules("proposals", plain, state) == ["run-sql"]
    assert rules("proposals", concurrent, state) == []
    assert rules("outreach", elsewhere, state) == []
    wrapped = migrations.SeparateDatabaseAndState(database_operations=[plain])
    assert rules("proposals", wrapped, state) == ["run-sql"]


def test_the_repository_passes_and_the_old_migrations_pass_only_by_the_allow_list():
    from kyodo_portal.management.commands.lint_migrations import project_apps

    apps = project_apps()
    assert {"kyodo_portal", "cso_registry", "proposals"} <= apps and "axes" not in apps
    assert lint(apps) == []
    refused = {(f.app, f.migration) for f in lint(apps, allowed={})}
    assert ("proposals", "0008_proposal_admin_list_indexes") in refused
    assert ("cso_registry", "0007_keyword_bigram_and_directory_indexes") in refused
    call_command("lint_migrations")
