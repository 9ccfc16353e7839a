from django.db import migrations

from kyodo_portal.roles import Role, grant_permissions, revoke_permissions

# Staff write the prefecture's part in the admin and open evaluations; object rules
# (evaluations/permissions.py, services.py) narrow a 推進員 to their own department and keep
# publication with 県民協働課. CSO members work on /my/evaluations/ (being a party decides).
STAFF = [
    "view_evaluation",
    "add_evaluation",
    "change_evaluation",
    "view_evaluationpart",
    "change_evaluationpart",
    "view_evaluationtransition",
]
PERMISSIONS = {Role.PROMOTER: STAFF, Role.COORDINATOR: STAFF}


def grant(apps, schema_editor):
    for role, codenames in PERMISSIONS.items():
        grant_permissions(apps, role, "evaluations", codenames)


def revoke(apps, schema_editor):
    for role, codenames in PERMISSIONS.items():
        revoke_permissions(apps, role, "evaluations", codenames)


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_evaluations_parts_history")]

    operations = [migrations.RunPython(grant, revoke)]
