"""Migration operations the portal's apps share."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """An index built without locking the table on PostgreSQL (CREATE INDEX CONCURRENTLY, in a
    migration with ``atomic = False``: what kyodo_portal/migration_lint.py asks for on big
    tables), and an ordinary CREATE INDEX on any other database (SQLite, where `make run`
    starts: none builds one concurrently, and nothing else uses the table meanwhile)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_forwards(
            self, app_label, schema_editor, from_state, to_state
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_backwards(
            self, app_label, schema_editor, from_state, to_state
        )
