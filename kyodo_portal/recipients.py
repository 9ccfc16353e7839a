"""Who on the prefecture's side receives a mail: the one place that answers it.

Mail goes to accounts, whether or not their owner is signed in now, so these read what the
accounts are (``kyodo_portal/access.py``'s ``*_account`` rules), never the session. A CSO's
members are answered by ``cso_registry/access.py`` (``member_addresses``).
"""

from django.contrib.auth import get_user_model

from kyodo_portal.roles import Role


def _staff_accounts():
    return get_user_model().objects.filter(is_active=True, is_staff=True)


def department_addresses(department):
    """The department's 県民協働推進員 and its shared address."""
    addresses = list(
        _staff_accounts()
        .filter(department_id=department.pk, groups__name=Role.PROMOTER)
        .values_list("email", flat=True)
        .distinct()
    )
    if department.email:
        addresses.append(department.email)
    return addresses


def coordinator_addresses():
    """The staff of 県民協働課."""
    return list(
        _staff_accounts()
        .filter(groups__name=Role.COORDINATOR)
        .values_list("email", flat=True)
        .distinct()
    )
