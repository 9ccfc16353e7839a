"""The CSO history on the shared HistoryRecord base: ``actor`` becomes ``by`` and ``created_at``
becomes ``at``, renamed so that every row stays. The index on (cso, -created_at) follows the
renamed column in the database (PostgreSQL and SQLite alike); only its description in the
migration state changes, under the same name."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cso_registry", "0008_cheaper_bigrams_function"),
    ]

    operations = [
        # First the foreign key: SQLite rebuilds the table for it, with the index as the state
        # describes it at this point (on created_at, still there).
        migrations.RenameField(model_name="csohistoryentry", old_name="actor", new_name="by"),
        migrations.RenameField(model_name="csohistoryentry", old_name="created_at", new_name="at"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(
                    model_name="csohistoryentry", name="cso_history_cso_created"
                ),
                migrations.AddIndex(
                    model_name="csohistoryentry",
                    index=models.Index(fields=["cso", "-at"], name="cso_history_cso_created"),
                ),
            ],
        ),
        migrations.AlterModelOptions(
            name="csohistoryentry",
            options={
                "ordering": ["-at", "-id"],
                "verbose_name": "CSO の変更履歴",
                "verbose_name_plural": "CSO の変更履歴",
            },
        ),
    ]
