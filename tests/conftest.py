import pytest
from django.contrib.auth.models import Group

from kyodo_portal.roles import Role
from tests.factories import DepartmentFactory, UserFactory


@pytest.fixture
def department(db):
    return DepartmentFactory()


@pytest.fixture
def promoter(db, department):
    user = UserFactory(is_staff=True, department=department)
    user.groups.add(Group.objects.get(name=Role.PROMOTER))
    return user


@pytest.fixture
def coordinator(db):
    user = UserFactory(is_staff=True, department=DepartmentFactory(name="県民協働課"))
    user.groups.add(Group.objects.get(name=Role.COORDINATOR))
    return user
