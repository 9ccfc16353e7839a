"""The record of staff opening or exporting personal data (``PersonalDataAccess``): every staff
export or print that carries names, addresses, phone numbers or 要配慮 notes calls ``record``
once, with how many people's (or groups') data it held. 県民協働課 reads and exports the log
in the admin; ``purge_personal_data`` removes entries older than RETENTION_STAFF_ACCESS_LOG_DAYS.

``what`` reads "kind: subject" (``参加者名簿（CSV）: 協働推進セミナー``); the admin filters by
the kind, the part before the first SEPARATOR.
"""

from kyodo_portal.models import PersonalDataAccess

SEPARATOR = ": "


def record(request, what, rows, *, subject=""):
    """Write down that ``request.user`` opened or exported personal data: ``what`` names the
    kind (a participant list, a CSO sheet), ``subject`` which one, ``rows`` how many people's
    or groups' data it held."""
    text = f"{what}{SEPARATOR}{subject}" if subject else str(what)
    limit = PersonalDataAccess._meta.get_field("what").max_length
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    path_limit = PersonalDataAccess._meta.get_field("path").max_length
    return PersonalDataAccess.objects.create(
        user=request.user, what=text, rows=rows, path=request.get_full_path()[:path_limit]
    )


def kind_of(what):
    return what.partition(SEPARATOR)[0]
