"""What the database cannot take from a request, decided in one place.

PostgreSQL refuses text holding a NUL character (SQLite stores it), and neither database holds an
integer beyond 64 bits (SQLite raises OverflowError when asked to compare one). A value like that
in a query string or a form is hostile or broken input, never a reason for a 500: the middleware
(kyodo_portal/middleware.py) answers a NUL with 400, a value read as an object's number goes
through ``object_id``, and the admin's lists refuse lookups ``beyond_64_bits``
(kyodo_portal/admin_site.py).
"""

NUL = "\x00"
MAX_OBJECT_ID = 2**63 - 1  # the largest bigint, on PostgreSQL and SQLite alike


def carries_nul(request):
    """Whether the path, the query string, the form data (names, values, file names) or the
    cookies hold a NUL character."""
    texts = [request.path_info]
    for data in (request.GET, request.POST):
        for name, values in data.lists():
            texts += [name, *values]
    for name, uploads in request.FILES.lists():
        texts += [name, *(upload.name or "" for upload in uploads)]
    texts += [*request.COOKIES, *request.COOKIES.values()]
    return any(NUL in text for text in texts)


def nul_cookies(request):
    """The names of the cookies whose value holds a NUL character."""
    return [name for name, value in request.COOKIES.items() if NUL in value]


def object_id(value):
    """``value`` (from a query string or a form) as an object's number, or None when it cannot
    be one: "abc", "1e9", "-1", "１２" and twenty digits name no object, and asking the database
    about them raises ValueError (or, on SQLite, OverflowError) instead of finding nothing."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_OBJECT_ID else None


def beyond_64_bits(value):
    """Whether ``value`` reads as an integer that no database column holds."""
    try:
        return abs(int(value)) > MAX_OBJECT_ID
    except (TypeError, ValueError):
        return False
