import pytest
from django.contrib.auth.models import Group

from kyodo_portal.roles import Role
from tests.factories import DepartmentFactory, UserFactory


def pytest_collection_modifyitems(items):
    """Transactional tests (live server, threads) flush the database afterwards; have each one
    restore the migrations' reference data (roles, municipalities, activity fields) first. They
    commit, so the pages they request read through the replica alias: allow it."""
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
        # Committed rows are read through the replica alias (a mirror of default in tests).
        databases = kwargs.get("databases") or ["default"]
        if databases != "__all__":
            kwargs["databases"] = sorted({*databases, "default", "replica"})
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
def _page_cache(request, settings):
    """Each test starts with no cached pages. The cache is retired when a transaction commits,
    which a test inside one never does: there it is off unless the test is marked page_cache
    (and then runs the commit callbacks itself). Tests that commit keep it on, as in production."""
    from django.core.cache import cache

    cache.clear()
    # The database rolls back after each test; a remembered version number could be stale.
    settings.PAGE_CACHE_VERSION_SECONDS = 0
    settings.STATS_CACHE_SECONDS = (
        0  # tests/evaluations/test_stats.py turns it on where it tests it
    )
    marker = request.node.get_closest_marker("django_db")
    commits = marker is not None and marker.kwargs.get("transaction")
    if not commits and request.node.get_closest_marker("page_cache") is None:
        settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _private_media_in_tmp(settings, tmp_path):
    """Uploads (kyodo_portal/uploads.py) go to a temporary folder, never into the checkout."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
