from django.db import migrations

from kyodo_portal.roles import Role, grant_permissions, revoke_permissions

# No role deletes: events, registrations and news are archived (中止, 取消, 下書きに戻す),
# contacts are taken off the list with "名簿に掲載する".
PERMISSIONS = {
    # 推進員 run their own department's events (the admin narrows to it) and see its participants.
    Role.PROMOTER: [
        "view_event",
        "add_event",
        "change_event",
        "view_registration",
        "change_registration",
        "view_newsitem",
        "view_promotercontact",
        "view_municipalcontact",
    ],
    # 県民協働課 keeps everything: all events, news, both contact directories.
    Role.COORDINATOR: [
        "view_event",
        "add_event",
        "change_event",
        "view_registration",
        "change_registration",
        "view_newsitem",
        "add_newsitem",
        "change_newsitem",
        "view_promotercontact",
        "add_promotercontact",
        "change_promotercontact",
        "view_municipalcontact",
        "add_municipalcontact",
        "change_municipalcontact",
    ],
}


def grant(apps, schema_editor):
    for role, codenames in PERMISSIONS.items():
        grant_permissions(apps, role, "outreach", codenames)


def revoke(apps, schema_editor):
    for role, codenames in PERMISSIONS.items():
        revoke_permissions(apps, role, "outreach", codenames)


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0001_events_news_contacts"),
        ("kyodo_portal", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
