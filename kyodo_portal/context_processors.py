from django.conf import settings
from django.utils.functional import SimpleLazyObject

from kyodo_portal import access


def site(request):
    # "portal_name", not "site_name": Django's auth views put the domain in "site_name".
    return {"portal_name": settings.SITE_NAME}


def staff(request):
    """What templates may ask about the prefecture's side (kyodo_portal/access.py): whether
    the reader is verified staff, or staff who must still pass the second factor."""
    user = getattr(request, "user", None)
    return {
        "is_verified_staff": SimpleLazyObject(lambda: access.is_verified_staff(user)),
        "needs_second_factor": SimpleLazyObject(lambda: access.needs_second_factor(user)),
    }
