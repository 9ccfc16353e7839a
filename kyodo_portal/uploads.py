"""Uploaded files: checked by content and by name, stored under a generated name in the
``"private"`` storage (outside MEDIA_ROOT on disk, or the ``private/`` prefix of the bucket), and
handed out only as downloads by views that check permission first.

A file is accepted when its extension is one we allow AND its first bytes (and, for the
Office zip formats, its inner parts) show it really is that kind of file: a renamed
executable (``MZ`` header) called ``report.pdf`` is refused, as is an over-size file.
"""

import os
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.http import FileResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class FileKind:
    extensions: tuple
    content_type: str
    label: str


KINDS = {
    "pdf": FileKind((".pdf",), "application/pdf", "PDF"),
    "docx": FileKind(
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word",
    ),
    "xlsx": FileKind(
        (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"
    ),
    "pptx": FileKind(
        (".pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint",
    ),
    "doc": FileKind((".doc",), "application/msword", "Word (97-2003)"),
    "xls": FileKind((".xls",), "application/vnd.ms-excel", "Excel (97-2003)"),
    "ppt": FileKind((".ppt",), "application/vnd.ms-powerpoint", "PowerPoint (97-2003)"),
    "png": FileKind((".png",), "image/png", "PNG"),
    "jpeg": FileKind((".jpg", ".jpeg"), "image/jpeg", "JPEG"),
    "gif": FileKind((".gif",), "image/gif", "GIF"),
    "webp": FileKind((".webp",), "image/webp", "WebP"),
}
KIND_BY_EXTENSION = {ext: name for name, kind in KINDS.items() for ext in kind.extensions}
ALLOWED_EXTENSIONS_TEXT = "PDF、Word、Excel、PowerPoint、画像（PNG・JPEG・GIF・WebP）"

# The part every Office Open XML package of that kind carries.
OOXML_MAIN_PART = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
# The stream name inside an OLE compound file, as stored (UTF-16LE) in its directory.
OLE_STREAM = {
    "doc": "WordDocument".encode("utf-16-le"),
    "xls": "Workbook".encode("utf-16-le"),
    "ppt": "PowerPoint Document".encode("utf-16-le"),
}
OLE_STREAM_ALTERNATIVES = {"xls": ("Book".encode("utf-16-le"),)}


def max_upload_bytes():
    return getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def _read_all(file):
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def _head(file, size=16):
    file.seek(0)
    data = file.read(size)
    file.seek(0)
    return data


def _is_ooxml(file, kind):
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(0)
    return "[Content_Types].xml" in names and OOXML_MAIN_PART[kind] in names


def _is_ole(file, kind):
    if _head(file, 8) != OLE_MAGIC:
        return False
    data = _read_all(file)
    names = (OLE_STREAM[kind], *OLE_STREAM_ALTERNATIVES.get(kind, ()))
    return any(name in data for name in names)


def content_matches(file, kind):
    """Whether the bytes of ``file`` are a ``kind`` file (not just named like one)."""
    head = _head(file, 16)
    if kind == "pdf":
        return head.startswith(b"%PDF-")
    if kind == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if kind == "gif":
        return head[:6] in (b"GIF87a", b"GIF89a")
    if kind == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if kind in OOXML_MAIN_PART:
        return head.startswith(b"PK\x03\x04") and _is_ooxml(file, kind)
    if kind in OLE_STREAM:
        return _is_ole(file, kind)
    return False


def kind_of(name):
    return KIND_BY_EXTENSION.get(Path(name or "").suffix.lower())


def validate_upload(file):
    """Refuse a file that is too large, of a kind we do not take, or not what its name says."""
    limit = max_upload_bytes()
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("ファイルが大きすぎます（%(size)s）。%(limit)s 以下にしてください。"),
            code="file_too_large",
            params={"size": human_size(file.size), "limit": human_size(limit)},
        )
    if not file.size:
        raise ValidationError(_("ファイルが空です。"), code="file_empty")
    kind = kind_of(file.name)
    if kind is None:
        raise ValidationError(
            _("この種類のファイルは添付できません。添付できるのは %(kinds)s です。"),
            code="file_type_not_allowed",
            params={"kinds": ALLOWED_EXTENSIONS_TEXT},
        )
    if not content_matches(file, kind):
        raise ValidationError(
            _(
                "ファイルの中身が拡張子（%(ext)s）と一致しません。"
                "元のアプリで %(label)s 形式として保存し直してください。"
            ),
            code="file_content_mismatch",
            params={"ext": Path(file.name).suffix.lower(), "label": KINDS[kind].label},
        )


def human_size(size):
    if size >= 1024 * 1024:
        return f"{round(size / (1024 * 1024), 1):g}MB"
    return f"{-(-size // 1024)}KB"


def private_media_root():
    return Path(
        getattr(settings, "PRIVATE_MEDIA_ROOT", None) or Path(settings.BASE_DIR) / "private-media"
    )


class PrivateFileStorage(FileSystemStorage):
    """Files kept outside MEDIA_ROOT: there is no URL, only permission-checked downloads."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(private_media_root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def check_reachable(self):
        """Raise unless files can be written here (for /readyz)."""
        os.makedirs(self.location, exist_ok=True)
        if not os.access(self.location, os.W_OK | os.X_OK):
            raise PermissionError(f"{self.location} に書き込めません。")

    def url(self, name):
        raise ValueError(
            "非公開のファイルには URL がありません。ダウンロード用のビューを使います。"
        )


class _PrivateStorage(LazyObject):
    """The ``"private"`` entry of ``STORAGES`` (on disk, or in object storage), looked up when
    first used and again after a change of the setting (tests)."""

    def _setup(self):
        self._wrapped = storages["private"]


_private_storage = _PrivateStorage()


def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        _private_storage._wrapped = empty


setting_changed.connect(_storages_changed, dispatch_uid="kyodo_portal.uploads.private_storage")


def private_storage():
    """For ``FileField(storage=private_storage)``: a callable, so that the setting is read when
    the portal runs, not frozen into migrations."""
    return _private_storage


@deconstructible
class GeneratedName:
    """``upload_to`` that drops the uploaded name: ``<prefix>/<yyyy>/<mm>/<uuid><ext>``.

    The name people gave the file is kept in a model field and used only in the
    Content-Disposition header of the download.
    """

    def __init__(self, prefix):
        self.prefix = prefix

    def __call__(self, instance, filename):
        now = timezone.now()
        suffix = Path(filename).suffix.lower()
        if suffix not in KIND_BY_EXTENSION:
            suffix = ""
        return f"{self.prefix}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{suffix}"

    def __eq__(self, other):
        return isinstance(other, GeneratedName) and other.prefix == self.prefix


def content_type_for(name):
    kind = kind_of(name)
    return KINDS[kind].content_type if kind else "application/octet-stream"


def attachment_response(field_file, *, filename):
    """Always a download (never shown inline), with the type we checked at upload time.

    The caller has checked permission. From object storage with S3_PRESIGNED_DOWNLOADS, the
    answer is a redirect to a short-lived presigned URL carrying the same type and disposition
    (the file does not pass through this process); otherwise the file is streamed from here.
    """
    presign = getattr(getattr(field_file, "storage", None), "presigned_download_url", None)
    if presign is not None and getattr(settings, "S3_PRESIGNED_DOWNLOADS", False):
        response = HttpResponseRedirect(
            presign(
                field_file.name,
                content_type=content_type_for(field_file.name),
                content_disposition=content_disposition_header(True, filename),
                seconds=settings.S3_PRESIGNED_SECONDS,
            )
        )
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type_for(field_file.name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
