from django.db import migrations

from kyodo_portal.roles import Role, grant_permissions, revoke_permissions

PERMISSIONS = {
    # CSO members register their CSO and keep its profile; object rules narrow this to their own.
    Role.CSO_MEMBER: ["add_cso", "change_cso", "view_cso", "add_membership", "view_membership"],
    # 推進員 may enter data on behalf of a group (代理入力) but do not publish.
    Role.PROMOTER: [
        "view_municipality",
        "view_activityfield",
        "view_cso",
        "add_cso",
        "change_cso",
        "view_membership",
    ],
    # 県民協働課 verifies, publishes and keeps the reference data.
    Role.COORDINATOR: [
        "view_municipality",
        "change_municipality",
        "view_activityfield",
        "change_activityfield",
        "view_cso",
        "add_cso",
        "change_cso",
        "view_membership",
        "add_membership",
        "change_membership",
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
        ("cso_registry", "0002_load_reference_data"),
        ("kyodo_portal", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
