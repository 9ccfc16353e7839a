import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from kyodo_portal.roles import Role, grant_permissions


def codenames(role):
    return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))


@pytest.mark.django_db
def test_the_migrations_create_the_three_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "CSOメンバー",
        "県民協働推進員",
        "県民協働課",
    }


@pytest.mark.django_db
def test_coordinator_keeps_departments_and_reference_data():
    assert {"add_department", "change_department", "change_municipality"} <= codenames(
        Role.COORDINATOR
    )


@pytest.mark.django_db
def test_promoter_can_enter_cso_data_but_not_change_departments_or_reference_data():
    perms = codenames(Role.PROMOTER)
    assert {"view_department", "add_cso", "change_cso"} <= perms
    assert not perms & {"add_department", "change_department", "change_municipality"}


@pytest.mark.django_db
def test_cso_member_has_no_staff_permissions():
    perms = codenames(Role.CSO_MEMBER)
    assert "change_cso" in perms
    assert not perms & {"view_user", "change_department", "change_membership"}


@pytest.mark.django_db
def test_granting_an_unknown_permission_is_refused():
    with pytest.raises(LookupError, match="no_such_thing"):
        grant_permissions(apps, Role.PROMOTER, "kyodo_portal", ["no_such_thing"])
