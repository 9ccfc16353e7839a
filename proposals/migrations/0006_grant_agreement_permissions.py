from django.db import migrations

from kyodo_portal.roles import Role, grant_permissions, revoke_permissions

# Staff draft agreements and record each step in the admin; object rules
# (proposals/agreement_services.py) narrow a 推進員 to their own department. CSO members work
# on /my/agreements/, where being a party (and 管理者 for confirmation) decides, not model perms.
STAFF = [
    "view_agreement",
    "add_agreement",
    "change_agreement",
    "view_agreementversion",
    "change_agreementversion",
    "view_agreementparty",
    "add_agreementparty",
    "change_agreementparty",
    "delete_agreementparty",
    "view_roleassignment",
    "add_roleassignment",
    "change_roleassignment",
    "delete_roleassignment",
    "view_agreementtransition",
    "view_progressreport",
    "add_progressreport",
    "view_progressattachment",
]
PERMISSIONS = {Role.PROMOTER: STAFF, Role.COORDINATOR: STAFF}


def grant(apps, schema_editor):
    for role, codenames in PERMISSIONS.items():
        grant_permissions(apps, role, "proposals", codenames)


def revoke(apps, schema_editor):
    for role, codenames in PERMISSIONS.items():
        revoke_permissions(apps, role, "proposals", codenames)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0005_agreements_versions_roles_progress")]

    operations = [migrations.RunPython(grant, revoke)]
