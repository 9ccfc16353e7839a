"""iCalendar (RFC 5545) for events: one file per event and a feed of upcoming events.

Times are written in UTC (the ``Z`` form), which every calendar program converts to the
reader's zone; lines end with CRLF and are folded at 75 octets without splitting a
multi-byte character.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from kyodo_portal.site import absolute_url, site_host
from outreach.models import Event

PRODID = "-//Saga Prefecture//Kyodo Portal//JA"


def escape_text(value):
    """TEXT values escape backslash, semicolon and comma, and write newlines as \\n."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line):
    """Fold a content line into pieces of at most 75 octets (continuations start with a space)."""
    pieces = []
    current = ""
    limit = 75
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            pieces.append(current)
            current = char
            limit = 74  # the leading space of a continuation line counts
        else:
            current += char
    pieces.append(current)
    return "\r\n ".join(pieces)


def _utc(value):
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _uid(event):
    return f"event-{event.pk}@{site_host()}"


def event_lines(event):
    url = absolute_url(event.get_absolute_url())
    location = ", ".join(part for part in (event.venue, event.venue_address) if part)
    description = f"{event.get_kind_display()}\n{event.description}\n\n{url}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{_uid(event)}",
        f"DTSTAMP:{_utc(event.updated_at or timezone.now())}",
        f"LAST-MODIFIED:{_utc(event.updated_at or timezone.now())}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SUMMARY:{escape_text(event.title)}",
        f"LOCATION:{escape_text(location)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"CATEGORIES:{escape_text(event.get_kind_display())}",
        f"URL:{url}",
        "STATUS:CANCELLED" if event.status == Event.Status.CANCELLED else "STATUS:CONFIRMED",
        "END:VEVENT",
    ]
    return lines


def calendar(events, *, name):
    """The text of a VCALENDAR holding ``events``, linking to their pages under SITE_URL."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{settings.TIME_ZONE}",
    ]
    for event in events:
        lines += event_lines(event)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
