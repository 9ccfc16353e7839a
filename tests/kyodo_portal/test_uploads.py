import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from kyodo_portal.uploads import (
    GeneratedName,
    attachment_response,
    private_storage,
    validate_upload,
)


def ooxml(main_part):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(main_part, "<x/>")
    return buffer.getvalue()


def ole(stream_name):
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + stream_name.encode("utf-16-le")


GOOD = {
    "報告書.pdf": b"%PDF-1.7\n%%EOF\n",
    "計画.docx": ooxml("word/document.xml"),
    "予算.xlsx": ooxml("xl/workbook.xml"),
    "説明.pptx": ooxml("ppt/presentation.xml"),
    "旧計画.doc": ole("WordDocument"),
    "旧予算.xls": ole("Workbook"),
    "旧説明.ppt": ole("PowerPoint Document"),
    "写真.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 20,
    "写真.JPG": b"\xff\xd8\xff\xe0" + b"\0" * 20,
    "写真.jpeg": b"\xff\xd8\xff\xdb" + b"\0" * 20,
    "図.gif": b"GIF89a" + b"\0" * 20,
    "図.webp": b"RIFF\x10\0\0\0WEBPVP8 " + b"\0" * 20,
}


@pytest.mark.parametrize("name", GOOD)
def test_files_of_the_allowed_kinds_are_accepted(name):
    validate_upload(SimpleUploadedFile(name, GOOD[name]))


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("報告書.pdf", b"MZ\x90\x00\x03" + b"\0" * 100, "file_content_mismatch"),
        ("写真.png", b"MZ\x90\x00\x03" + b"\0" * 100, "file_content_mismatch"),
        ("写真.png", GOOD["報告書.pdf"], "file_content_mismatch"),
        ("計画.docx", ooxml("xl/workbook.xml"), "file_content_mismatch"),
        ("計画.docx", b"PK\x03\x04not really a zip", "file_content_mismatch"),
        ("旧計画.doc", ole("Workbook"), "file_content_mismatch"),
        ("setup.exe", b"MZ\x90\x00\x03" + b"\0" * 100, "file_type_not_allowed"),
        ("script.js", b"alert(1)", "file_type_not_allowed"),
        ("拡張子なし", GOOD["報告書.pdf"], "file_type_not_allowed"),
        ("空.pdf", b"", "file_empty"),
    ],
)
def test_files_that_are_not_what_their_name_says_are_refused(name, content, code):
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile(name, content))

    assert refused.value.code == code
    assert refused.value.messages[0].endswith("。")


def test_an_over_size_file_is_refused_with_the_limit_named(settings):
    settings.UPLOAD_MAX_BYTES = 1024

    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile("大きい.pdf", b"%PDF-" + b"0" * 2000))

    assert refused.value.code == "file_too_large"
    assert "1KB 以下にしてください" in refused.value.messages[0]


def test_a_file_at_the_size_limit_is_accepted(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    validate_upload(SimpleUploadedFile("ちょうど.pdf", b"%PDF-" + b"0" * 1019))


def test_stored_name_is_generated_and_keeps_only_a_known_extension():
    name = GeneratedName("proposals")(None, "../../秘密の計画書.PDF")

    assert name.startswith("proposals/")
    assert name.endswith(".pdf")
    assert "秘密" not in name and ".." not in name
    assert GeneratedName("proposals")(None, "x.exe").rsplit("/", 1)[1].isalnum()


def test_private_files_live_outside_media_root_and_have_no_url(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    storage = private_storage()

    name = storage.save("proposals/test.pdf", ContentFile(GOOD["報告書.pdf"]))

    assert (tmp_path / "private" / name).exists()
    assert not str(tmp_path / "private").startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        storage.url(name)


def test_download_is_always_an_attachment_with_the_checked_type(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    storage = private_storage()
    name = storage.save("proposals/x.png", ContentFile(GOOD["写真.png"]))

    class Stored:
        def __init__(self, name):
            self.name = name

        def open(self, mode):
            return storage.open(self.name, mode)

    response = attachment_response(Stored(name), filename="写真.png")

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    response.file_to_stream.close()
