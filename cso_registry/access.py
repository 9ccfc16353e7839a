"""Who belongs to a CSO: the one place views, services, querysets and templates ask.

An active member is an approved membership (管理者 or メンバー) of an active account
(``Membership.objects.active()``); a 管理者 is an active member with the 管理者 role. Another
CSO's records answer 404 to everyone else.
"""

from cso_registry.models import CSO, Membership
from kyodo_portal.access import is_signed_in


def member_csos(user):
    """The CSOs ``user`` is an active member of (管理者 or メンバー)."""
    return CSO.objects.of_member(user)


def member_cso_ids(user):
    """The ids of ``member_csos(user)`` as a subquery, for filters on other tables
    (``cso__in=member_cso_ids(user)``): the quickest form for the database."""
    return Membership.objects.cso_ids_of(user)


def admin_csos(user):
    """The CSOs ``user`` is an active 管理者 of."""
    return CSO.objects.administered_by(user)


def membership_of(user, cso):
    """The user's active membership of ``cso``, or None."""
    if not is_signed_in(user):
        return None
    return Membership.objects.active().filter(user=user, cso=cso).first()


def is_cso_member(user, cso):
    return is_signed_in(user) and Membership.objects.active().filter(user=user, cso=cso).exists()


def is_cso_admin(user, cso):
    return is_signed_in(user) and Membership.objects.admins().filter(user=user, cso=cso).exists()


def member_addresses(csos, *, admins_only=False):
    """The addresses of the active members (or only 管理者) of ``csos`` (CSOs, ids or a
    queryset of either), each once."""
    memberships = Membership.objects.admins() if admins_only else Membership.objects.active()
    return list(memberships.filter(cso__in=csos).values_list("user__email", flat=True).distinct())
