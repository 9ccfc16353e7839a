from django.db import migrations

from kyodo_portal.roles import Role, grant_permissions, revoke_permissions

CODENAMES = ["view_freeproposalreview", "change_freeproposalreview"]


def grant(apps, schema_editor):
    for role in (Role.PROMOTER, Role.COORDINATOR):
        grant_permissions(apps, role, "proposals", CODENAMES)


def revoke(apps, schema_editor):
    for role in (Role.PROMOTER, Role.COORDINATOR):
        revoke_permissions(apps, role, "proposals", CODENAMES)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0003_free_proposal_review_criteria")]

    operations = [migrations.RunPython(grant, revoke)]
