# The admin's lists newest first: agreements (all, and a department's) and proposals (all, for
# 県民協働課; a department's has proposal_dept_updated_idx). Built concurrently on PostgreSQL.

from django.db import migrations, models

from kyodo_portal.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("proposals", "0011_agreement_terms_on_the_version"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="agreement",
            index=models.Index(fields=["-created_at", "-id"], name="agreement_created_order_idx"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="agreement",
            index=models.Index(
                fields=["department", "-created_at", "-id"], name="agreement_dept_created_idx"
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="proposal",
            index=models.Index(fields=["-updated_at", "-id"], name="proposal_updated_idx"),
        ),
    ]
