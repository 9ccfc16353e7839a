"""The portal's three roles, kept as auth Groups.

The groups are created and given their model permissions by data migrations: each app's
migration grants the permissions for the models it adds, through ``grant_permissions``,
so that a fresh database and an upgraded one end up with the same roles.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CSO_MEMBER = "CSOメンバー", _("CSOメンバー")
    PROMOTER = "県民協働推進員", _("県民協働推進員")
    COORDINATOR = "県民協働課", _("県民協働課")


def grant_permissions(apps, role, app_label, codenames):
    """Give ``role`` the named permissions of ``app_label`` (for use inside a data migration).

    Permissions are normally created after all migrations ran; create them now so the
    grant works on a fresh database too.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=role)
    permissions = Permission.objects.filter(
        content_type__app_label=app_label, codename__in=codenames
    )
    missing = set(codenames) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise LookupError(f"{app_label}: unknown permissions {sorted(missing)}")
    group.permissions.add(*permissions)


def revoke_permissions(apps, role, app_label, codenames):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=role).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
