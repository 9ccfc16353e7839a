from django.db import migrations

from kyodo_portal.roles import Role, grant_permissions, revoke_permissions

# Staff work in the admin; object rules (proposals/permissions.py) narrow a 推進員 to their
# own department. CSO members work on /my/ pages, where membership decides, not model perms.
STAFF = [
    "view_theme",
    "add_theme",
    "change_theme",
    "view_reviewcriterion",
    "add_reviewcriterion",
    "change_reviewcriterion",
    "delete_reviewcriterion",
    "view_proposal",
    "change_proposal",
    "view_proposaltransition",
    "view_consultationentry",
    "add_consultationentry",
    "view_attachment",
    "view_reviewassignment",
    "add_reviewassignment",
    "view_reviewscore",
    "add_reviewscore",
]
PERMISSIONS = {Role.PROMOTER: STAFF, Role.COORDINATOR: STAFF}


def grant(apps, schema_editor):
    for role, codenames in PERMISSIONS.items():
        grant_permissions(apps, role, "proposals", codenames)


def revoke(apps, schema_editor):
    for role, codenames in PERMISSIONS.items():
        revoke_permissions(apps, role, "proposals", codenames)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0001_themes_proposals_consultation_review"),
        ("kyodo_portal", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
