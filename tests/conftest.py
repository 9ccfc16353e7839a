import pytest
from django.contrib.auth.models import Group

from kyodo_portal.roles import Role
from tests.factories import DepartmentFactory, UserFactory


def pytest_collection_modifyitems(items):
    """Transactional tests (live server, threads) flush the database afterwards; have each one
    restore the migrations' reference data (roles, municipalities, activity fields) first."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = (
            (marker is not None and marker.kwargs.get("transaction"))
            or "live_server" in item.fixturenames
            or "transactional_db" in item.fixturenames
        )
        if not transactional:
            continue
        args, kwargs = (marker.args, marker.kwargs) if marker is not None else ((), {})
        kwargs = {**kwargs, "transaction": True, "serialized_rollback": True}
        item.add_marker(pytest.mark.django_db(*args, **kwargs), append=False)


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


@pytest.fixture(autouse=True)
def _private_media_in_tmp(settings, tmp_path):
    """Uploads (kyodo_portal/uploads.py) go to a temporary folder, never into the checkout."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
