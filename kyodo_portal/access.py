"""Who is who on the prefecture's side: the one place views, the admin, services, querysets,
feeds, exports and templates ask (DESIGN.md, "One place for each cross-cutting rule").

- **Verified staff**: an active member of staff who, where ``OTP_REQUIRED_FOR_STAFF`` is on,
  passed the second factor in this session. Staff who signed in with the password only are an
  ordinary signed-in person everywhere (no department, no staff-only page or file) until they
  finish the second step (``needs_second_factor``: the pages link to it).
- **県民協働課** (``is_coordinator``): verified staff of the coordinating division (or a
  superuser); sees and coordinates every department's work.
- **県民協働推進員** (``is_promoter``): verified staff in the promoter group, scoped to their
  own department (``is_department_staff``, ``scope_to_department``).

CSO membership is decided in ``cso_registry/access.py``, the parties of an agreement in
``proposals/access.py``; both build on these.
"""

from django.conf import settings

from kyodo_portal.roles import Role


def otp_required():
    return getattr(settings, "OTP_REQUIRED_FOR_STAFF", False)


def is_signed_in(user):
    """An authenticated, active person (a deactivated account counts as signed out). Someone
    who set up a second factor of their own accord is signed in once they passed it; staff who
    did not pass it are an ordinary signed-in person (``is_verified_staff`` is what they lack)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or not uses_second_factor(user) or _session_verified(user)


# The session remembers, from the sign-in on, whether its person set up a second factor
# (kyodo_portal.middleware.SecondFactorGateMiddleware puts it on request.user: no query).
USES_SECOND_FACTOR_SESSION_KEY = "uses_second_factor"


def uses_second_factor(user):
    """Whether the account set up an authenticator app (required for staff, open to anyone):
    what the session remembers, else asked once per user object."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_uses_second_factor", None)
    if cached is None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        cached = TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
        user._uses_second_factor = cached
    return cached


def _session_verified(user):
    """``is_verified`` is put on ``request.user`` by django-otp's middleware; a user object that
    did not come through a request has none and so is not verified (management commands vouch
    for their user with ``trust_command_line_user``)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def passed_second_factor(user):
    """Whether this session passed the second factor, or none is required: staff where
    ``OTP_REQUIRED_FOR_STAFF`` is on, anyone else once they set one up."""
    required = otp_required() if getattr(user, "is_staff", False) else uses_second_factor(user)
    return not required or _session_verified(user)


def is_staff_account(user):
    """A staff account (signed in, whether or not the second factor is passed yet)."""
    return is_signed_in(user) and user.is_staff


def is_verified_staff(user):
    return is_signed_in(user) and user.is_staff and passed_second_factor(user)


def needs_second_factor(user):
    """Staff signed in with the password only: treated as an ordinary person until verified."""
    return is_signed_in(user) and user.is_staff and not passed_second_factor(user)


# What an account is, whether or not it is signed in now: for choosing reviewers and
# recipients. Whether the person may act now is asked with the functions after these.


def is_coordinator_account(user):
    return (
        is_signed_in(user)
        and user.is_staff
        and (user.is_superuser or user.has_role(Role.COORDINATOR))
    )


def is_promoter_account(user):
    return is_signed_in(user) and user.is_staff and user.has_role(Role.PROMOTER)


def is_department_staff_account(user, department_id):
    """The account of the department's 推進員, or of 県民協働課 (all departments)."""
    if is_coordinator_account(user):
        return True
    return (
        is_promoter_account(user)
        and user.department_id is not None
        and user.department_id == department_id
    )


# What the signed-in person may do now (the second factor passed where it is required).


def is_coordinator(user):
    """県民協働課 (or a superuser), verified."""
    return is_coordinator_account(user) and passed_second_factor(user)


def is_promoter(user):
    """A 県民協働推進員, verified (their department is ``user.department``)."""
    return is_promoter_account(user) and passed_second_factor(user)


def is_department_staff(user, department_id):
    """The department's 推進員, or 県民協働課 for every department, verified."""
    return is_department_staff_account(user, department_id) and passed_second_factor(user)


def scope_to_department(queryset, user, field="department_id"):
    """The rows a member of staff handles: all for 県民協働課, their department's for a
    推進員 (``field`` names the department of a row), none for anyone else."""
    if is_coordinator(user):
        return queryset
    if is_promoter(user) and user.department_id is not None:
        return queryset.filter(**{field: user.department_id})
    return queryset.none()


def staff_units(user, model=None):
    """The units (課・現地機関) a member of staff works for: their own, or all for 県民協働課
    (choices of department filters and fields in the admin; ``model`` may be a proxy)."""
    from kyodo_portal.models import Department

    units = (model or Department).objects.active().units()
    units = units.order_by("parent__sort_order", "sort_order", "name")
    return scope_to_department(units, user, field="pk")


def trust_command_line_user(user):
    """A management command acts as ``user``: whoever runs it on the server has more than a
    second factor, so the session check does not apply. Returns the user."""
    user.otp_device = None
    user.is_verified = lambda: True
    return user


def must_pass_second_factor(user):
    """Signed in with the password by someone who set up a second factor (not staff, whose
    pages say where to pass it): they are sent to pass it before their own pages open."""
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and not user.is_staff
        and uses_second_factor(user)
        and not _session_verified(user)
    )
