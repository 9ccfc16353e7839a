"""Uploads in S3-compatible object storage (moto's S3 server): stored in the bucket under the
private/ prefix, downloaded only through the permission-checked view, streamed or by a
short-lived presigned URL that makes the browser save the file."""

import io
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from kyodo_portal.uploads import private_storage
from proposals.models import Attachment
from tests.deployment.conftest import s3_storages
from tests.deployment.servers import create_bucket
from tests.proposals.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3(settings, s3_endpoint, bucket):
    name, client = bucket
    s3_storages(settings, s3_endpoint, name)
    return name, client


def upload(client, draft, member, pdf_file):
    client.force_login(member)
    response = client.post(reverse("proposals:my_attach", args=[draft.pk]), {"file": pdf_file})
    assert response.status_code == 302, response.content.decode()
    return Attachment.objects.get()


def test_an_upload_goes_to_the_private_prefix_of_the_bucket_not_to_disk(
    client, s3, draft, cso_member, pdf_file, private_media
):
    bucket_name, s3_client = s3

    attachment = upload(client, draft, cso_member, pdf_file)

    stored = s3_client.get_object(Bucket=bucket_name, Key=f"private/{attachment.file.name}")
    assert stored["Body"].read() == PDF_BYTES
    assert not private_media.exists() or not any(private_media.rglob("*.pdf"))
    # Nothing in the bucket is readable without a signature.
    endpoint = s3_client.meta.endpoint_url
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{endpoint}/{bucket_name}/private/{attachment.file.name}")
    assert refused.value.code == 403


def test_the_view_streams_the_file_from_the_bucket_after_checking_permission(
    client, s3, draft, cso_member, other_cso_member, pdf_file
):
    attachment = upload(client, draft, cso_member, pdf_file)

    response = client.get(attachment.get_download_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    client.force_login(other_cso_member)
    assert client.get(attachment.get_download_url()).status_code == 404


def test_with_presigned_downloads_the_view_redirects_to_a_short_lived_url_that_forces_download(
    client, s3, settings, draft, cso_member, other_cso_member, pdf_file
):
    settings.S3_PRESIGNED_DOWNLOADS = True
    settings.S3_PRESIGNED_SECONDS = 2
    attachment = upload(client, draft, cso_member, pdf_file)

    response = client.get(attachment.get_download_url())

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    with urllib.request.urlopen(response["Location"]) as fetched:
        assert fetched.read() == PDF_BYTES
        assert fetched.headers["Content-Type"] == "application/pdf"
        disposition = fetched.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E8%A8%88%E7%94%BB%E6%9B%B8.pdf" in disposition
    # The permission is still checked by the view: no URL for someone else.
    client.force_login(other_cso_member)
    assert client.get(attachment.get_download_url()).status_code == 404
    # The signature lives S3_PRESIGNED_SECONDS (S3 and MinIO refuse it after; moto's server
    # does not check the time, so the test reads the signed lifetime).
    assert parse_qs(urlsplit(response["Location"]).query)["X-Amz-Expires"] == ["2"]


def test_backup_of_the_bucket_restores_into_another_bucket_or_a_folder(
    s3, settings, s3_endpoint, tmp_path
):
    files = {"proposals/2026/12/a.pdf": PDF_BYTES, "agreements/2026/12/b.png": b"\x89PNG\r\n\x1a\n"}
    for name, data in files.items():
        assert private_storage().save(name, ContentFile(data)) == name
    archive = tmp_path / "files.tar.gz"

    call_command("files_backup", "backup", str(archive), stdout=io.StringIO())

    create_bucket(s3_endpoint, "kyodo-restored")
    s3_storages(settings, s3_endpoint, "kyodo-restored")
    call_command("files_backup", "restore", str(archive), stdout=io.StringIO())
    for name, data in files.items():
        with private_storage().open(name, "rb") as file:
            assert file.read() == data
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "kyodo_portal.uploads.PrivateFileStorage"},
    }
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "folder"
    call_command("files_backup", "restore", str(archive), stdout=io.StringIO())
    for name, data in files.items():
        assert (tmp_path / "folder" / name).read_bytes() == data
