import pytest
from django.contrib.auth.models import Group

from kyodo_portal.roles import Role


def codenames(role):
    return set(
        Group.objects.get(name=role)
        .permissions.filter(content_type__app_label="proposals")
        .values_list("codename", flat=True)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PROMOTER, Role.COORDINATOR])
def test_staff_roles_work_on_themes_and_proposals_but_never_delete_them(role):
    perms = codenames(role)

    assert {"add_theme", "change_theme", "change_proposal", "add_consultationentry"} <= perms
    assert {"change_freeproposalreview", "add_reviewassignment", "add_reviewscore"} <= perms
    assert not perms & {"delete_theme", "delete_proposal", "add_proposal"}
    assert not perms & {"change_consultationentry", "delete_consultationentry"}


@pytest.mark.django_db
def test_cso_members_get_no_admin_permissions_on_proposals():
    assert codenames(Role.CSO_MEMBER) == set()
