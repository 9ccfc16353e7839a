"""Files written once to storage and served as they are, with ETag and Last-Modified, instead
of built for every request (issue 17: the national CSO CSV took 5.5 minutes per request).

``write(name, chunks)`` writes the text to a temporary file, saves it to the storage
``PUBLISHED_FILES_STORAGE`` of STORAGES (the default one: this host's disk, or the bucket that
every host shares when S3 is configured) under a new name, then points the ``PublishedFile``
row at it and removes the previous file: a reader never sees half a file. ``response()``
answers a request from the current file — 304 Not Modified when the reader already has it —
or None when none has been written yet (the first night, tests): the view then builds the
answer as before.
"""

import hashlib
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from kyodo_portal.models import PublishedFile

logger = logging.getLogger("kyodo_portal.published_files")

FOLDER = "published"
CHUNK_FLUSH = 1 << 20


def storage():
    return storages[settings.PUBLISHED_FILES_STORAGE]


def write(name, chunks, *, rows=0):
    """Write the text ``chunks`` (UTF-8) as the published file ``name`` ("cso.csv")."""
    digest = hashlib.sha256()
    size = 0
    base, _dot, extension = name.rpartition(".")
    with tempfile.TemporaryFile() as temporary:
        pending = []
        pending_size = 0
        for chunk in chunks:
            data = chunk.encode("utf-8")
            pending.append(data)
            pending_size += len(data)
            if pending_size >= CHUNK_FLUSH:
                block = b"".join(pending)
                temporary.write(block)
                digest.update(block)
                size += len(block)
                pending, pending_size = [], 0
        block = b"".join(pending)
        temporary.write(block)
        digest.update(block)
        size += len(block)
        temporary.seek(0)
        written_at = timezone.now()
        stored = storage().save(
            f"{FOLDER}/{base}-{written_at:%Y%m%dT%H%M%S}-{digest.hexdigest()[:12]}.{extension}",
            File(temporary),
        )
    with transaction.atomic():
        previous = PublishedFile.objects.select_for_update().filter(name=name).first()
        PublishedFile.objects.update_or_create(
            name=name,
            defaults={
                "storage_name": stored,
                "etag": f'"{digest.hexdigest()[:40]}"',
                "size": size,
                "rows": rows,
                "written_at": written_at,
            },
        )
        if previous is not None and previous.storage_name != stored:
            old = previous.storage_name
            transaction.on_commit(lambda: _remove(old), robust=True)
    logger.info("公開ファイル %s を書きました: %d 行、%d バイト", name, rows, size)
    return PublishedFile.objects.get(name=name)


def _remove(storage_name):
    try:
        storage().delete(storage_name)
    except Exception:
        logger.exception("古い公開ファイル %s を消せませんでした", storage_name)


def current(name):
    return PublishedFile.objects.filter(name=name).first()


def response(request, name, *, content_type, filename, disposition="attachment"):
    """The published file ``name`` as the answer to ``request`` (304 when the reader has it
    already), or None when it has not been written yet."""
    record = current(name)
    if record is None:
        return None
    last_modified = int(record.written_at.timestamp())
    headers = {
        "ETag": record.etag,
        "Last-Modified": http_date(last_modified),
        # Ask every time whether it changed; the answer is a 304 until the next night's file.
        "Cache-Control": "public, no-cache",
    }
    # None unless the request's If-None-Match / If-Modified-Since (or If-Match...) decide: 304/412.
    decided = get_conditional_response(request, etag=record.etag, last_modified=last_modified)
    if decided is not None:
        for header, value in headers.items():
            decided[header] = value
        return decided
    try:
        handle = storage().open(record.storage_name, "rb")
    except FileNotFoundError:
        logger.error("公開ファイル %s が見つかりません: %s", name, record.storage_name)
        return None
    answer = FileResponse(handle, content_type=content_type)
    answer["Content-Length"] = str(record.size)
    answer["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    for header, value in headers.items():
        answer[header] = value
    return answer
