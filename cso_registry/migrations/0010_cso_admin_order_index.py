# The admin's list of CSOs in its order (furigana, id), all or by status: built concurrently on
# PostgreSQL.

from django.db import migrations, models

from kyodo_portal.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cso_registry", "0009_history_record_base"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="cso",
            index=models.Index(fields=["furigana", "id"], name="cso_admin_order_idx"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="cso",
            index=models.Index(
                fields=["status", "furigana", "id"], name="cso_admin_status_order_idx"
            ),
        ),
    ]
