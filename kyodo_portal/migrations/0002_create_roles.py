from django.db import migrations

from kyodo_portal.roles import Role, grant_permissions

# Later apps grant the permissions for their own models in their own migrations.
PERMISSIONS = {
    Role.CSO_MEMBER: [],
    Role.PROMOTER: ["view_department"],
    Role.COORDINATOR: ["view_department", "add_department", "change_department", "view_user"],
}


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role, codenames in PERMISSIONS.items():
        Group.objects.get_or_create(name=role)
        grant_permissions(apps, role, "kyodo_portal", codenames)


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("kyodo_portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
