from django.db import migrations

from kyodo_portal.roles import Role, grant_permissions, revoke_permissions

# Advisor dispatch is run by 県民協働課 alone; CSOs use /my/advisor-requests/, not the admin.
# Nobody deletes: requests end as 見送り / 取下げ / 実施済み, advisors are switched off.
PERMISSIONS = {
    Role.COORDINATOR: [
        "view_advisor",
        "add_advisor",
        "change_advisor",
        "view_advisorrequest",
        "change_advisorrequest",
        "view_advisorrequesttransition",
    ],
}


def grant(apps, schema_editor):
    for role, codenames in PERMISSIONS.items():
        grant_permissions(apps, role, "advisors", codenames)


def revoke(apps, schema_editor):
    for role, codenames in PERMISSIONS.items():
        revoke_permissions(apps, role, "advisors", codenames)


class Migration(migrations.Migration):
    dependencies = [
        ("advisors", "0001_advisor_requests"),
        ("kyodo_portal", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
