import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management import CommandError, call_command

from cso_registry.models import CSO, Membership
from kyodo_portal.models import Department, User


def snapshot():
    """Every row of every model, serialised, so that any change shows up."""
    rows = []
    for model in apps.get_models():
        rows.append(serializers.serialize("json", model._default_manager.order_by("pk")))
    rows.append(
        repr(
            [
                (g.name, sorted(g.permissions.values_list("pk", flat=True)))
                for g in Group.objects.order_by("name")
            ]
        )
    )
    return rows


@pytest.mark.django_db
def test_seed_demo_creates_departments_users_for_each_role_and_csos(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")

    assert Department.objects.bureaus().count() >= 8
    assert Department.objects.get(name="県民協働課").parent.name == "県民環境部"
    for role in ("CSOメンバー", "県民協働推進員", "県民協働課"):
        assert User.objects.filter(groups__name=role).exists(), role
    assert CSO.objects.filter(status=CSO.Status.PUBLISHED).count() >= 3
    assert Membership.objects.filter(role=Membership.Role.ADMIN).exists()
    demo = User.objects.get(email="cso@example.jp")
    assert demo.check_password("kyodo-demo-2026")
    output = capsys.readouterr().out
    assert "cso@example.jp" in output and "kyodo-demo-2026" in output


@pytest.mark.django_db
def test_seed_demo_run_twice_changes_nothing_the_second_time(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    before = snapshot()

    call_command("seed_demo")

    assert snapshot() == before


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_every_demo_login_the_readme_lists_signs_in_with_the_demo_password(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)

    for email in ("cso@example.jp", "cso2@example.jp", "suishin@example.jp", "kyodo@example.jp"):
        response = client.post("/login/", {"username": email, "password": "kyodo-demo-2026"})
        assert response.status_code == 302, email
        client.logout()
