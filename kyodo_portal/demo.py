"""Demo data for a newcomer's `make run`: departments and one staff user per staff role."""

from django.contrib.auth.models import Group
from django.utils import timezone

from kyodo_portal.models import Department, User
from kyodo_portal.roles import Role

DEMO_PASSWORD = "kyodo-demo-2026"

# 部 in the order of the prefecture's organisation chart, each with some of its 課 / 現地機関.
DEPARTMENTS = [
    ("政策部", []),
    ("総務部", []),
    ("地域交流部", [("多文化共生さが推進課", Department.Kind.DIVISION)]),
    (
        "県民環境部",
        [("県民協働課", Department.Kind.DIVISION), ("環境センター", Department.Kind.LOCAL_OFFICE)],
    ),
    (
        "健康福祉部",
        [
            ("障害福祉課", Department.Kind.DIVISION),
            ("こども家庭課", Department.Kind.DIVISION),
            ("佐賀中部保健福祉事務所", Department.Kind.LOCAL_OFFICE),
        ],
    ),
    ("産業労働部", [("産業人材課", Department.Kind.DIVISION)]),
    ("農林水産部", [("農山漁村課", Department.Kind.DIVISION)]),
    (
        "県土整備部",
        [("まちづくり課", Department.Kind.DIVISION), ("河川砂防課", Department.Kind.DIVISION)],
    ),
]


def department(bureau_name, unit_name):
    return Department.objects.get(parent__name=bureau_name, parent__parent=None, name=unit_name)


def demo_user(email, *, full_name, role, department=None, is_staff=False):
    """Create a demo user once; later runs leave it (and its password hash) untouched."""
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "full_name": full_name,
            "department": department,
            "is_staff": is_staff,
            "email_verified_at": timezone.now(),  # a demo login works from the first run
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    return user


def seed():
    for order, (bureau_name, units) in enumerate(DEPARTMENTS, start=1):
        bureau, _ = Department.objects.get_or_create(
            name=bureau_name,
            parent=None,
            defaults={"kind": Department.Kind.BUREAU, "sort_order": order * 10},
        )
        for unit_order, (unit_name, kind) in enumerate(units, start=1):
            Department.objects.get_or_create(
                name=unit_name, parent=bureau, defaults={"kind": kind, "sort_order": unit_order}
            )

    demo_user(
        "suishin@example.jp",
        full_name="佐賀 花子",
        role=Role.PROMOTER,
        department=department("健康福祉部", "障害福祉課"),
        is_staff=True,
    )
    demo_user(
        "suishin2@example.jp",
        full_name="鳥栖 健一",
        role=Role.PROMOTER,
        department=department("県土整備部", "まちづくり課"),
        is_staff=True,
    )
    demo_user(
        "kyodo@example.jp",
        full_name="唐津 誠",
        role=Role.COORDINATOR,
        department=department("県民環境部", "県民協働課"),
        is_staff=True,
    )
    return [
        (Role.PROMOTER, "suishin@example.jp"),
        (Role.PROMOTER, "suishin2@example.jp"),
        (Role.COORDINATOR, "kyodo@example.jp"),
    ]
