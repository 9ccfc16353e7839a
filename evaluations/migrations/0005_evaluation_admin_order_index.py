# The admin's list of evaluations in its order (-fiscal_year, -id): built concurrently on PostgreSQL.

from django.db import migrations, models

from kyodo_portal.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("evaluations", "0004_transition_action_reopened"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="evaluation",
            index=models.Index(fields=["-fiscal_year", "-id"], name="evaluation_year_order_idx"),
        ),
    ]
