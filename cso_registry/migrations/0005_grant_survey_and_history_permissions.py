from django.db import migrations

from kyodo_portal.roles import Role, grant_permissions, revoke_permissions

PERMISSIONS = {
    # 推進員 enter survey answers on behalf of a group (代理入力) and read the change history.
    Role.PROMOTER: [
        "view_surveyanswer",
        "add_surveyanswer",
        "change_surveyanswer",
        "view_csohistoryentry",
    ],
    # 県民協働課 also imports the survey; the history is read-only for everyone.
    Role.COORDINATOR: [
        "view_surveyanswer",
        "add_surveyanswer",
        "change_surveyanswer",
        "view_csohistoryentry",
    ],
}


def grant(apps, schema_editor):
    for role, codenames in PERMISSIONS.items():
        grant_permissions(apps, role, "cso_registry", codenames)


def revoke(apps, schema_editor):
    for role, codenames in PERMISSIONS.items():
        revoke_permissions(apps, role, "cso_registry", codenames)


class Migration(migrations.Migration):
    dependencies = [
        ("cso_registry", "0004_cso_profile_survey_history"),
        ("kyodo_portal", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
