"""The whole directory's open data is written once to storage (each night, or when 県民協働課
asks) and served as a file with ETag and Last-Modified; until a file exists, and for a search,
it is built per request as before."""

import csv
import io
import json

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from cso_registry.models import CSO
from cso_registry.tasks import write_open_data
from kyodo_portal.models import PublishedFile
from tests.factories import CSOFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def content(response):
    return b"".join(response.streaming_content)


def names(csv_bytes):
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    return sorted(row[1] for row in rows[1:])


def test_the_written_file_is_served_as_it_is_until_the_next_one(client):
    CSOFactory(name="嬉野の会")
    built = content(client.get(reverse("cso_registry:export_csv")))  # no file yet: built
    assert not PublishedFile.objects.exists()

    write_open_data.enqueue()  # the nightly job (in the process here)
    CSOFactory(name="後から公開された会")
    served = client.get(reverse("cso_registry:export_csv"))

    assert served.status_code == 200
    assert served["Content-Type"] == "text/csv; charset=utf-8"
    assert served["Content-Disposition"].startswith('attachment; filename="cso-')
    assert served["ETag"] and served["Last-Modified"]
    assert content(served) == built
    assert names(built) == ["嬉野の会"]
    searched = client.get(reverse("cso_registry:export_csv"), {"q": "後から"})
    assert names(content(searched)) == ["後から公開された会"]  # a search is built now

    write_open_data.enqueue()
    assert names(content(client.get(reverse("cso_registry:export_csv")))) == sorted(
        ["後から公開された会", "嬉野の会"]
    )


def test_the_json_file_matches_what_is_built_per_request(client):
    CSOFactory(name="鳥栖の会")
    built = json.loads(content(client.get(reverse("cso_registry:export_json"))))
    write_open_data.enqueue()

    served = client.get(reverse("cso_registry:export_json"))

    assert served["Content-Disposition"].startswith('inline; filename="cso-')
    assert json.loads(content(served)) == built
    assert [item["name"] for item in built["items"]] == ["鳥栖の会"]


def test_a_reader_who_has_the_file_gets_304(client):
    CSOFactory()
    write_open_data.enqueue()
    url = reverse("cso_registry:export_csv")
    first = client.get(url)

    by_etag = client.get(url, headers={"If-None-Match": first["ETag"]})
    by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    stale = client.get(url, headers={"If-None-Match": '"something-else"'})

    assert (by_etag.status_code, by_date.status_code, stale.status_code) == (304, 304, 200)
    assert by_etag["ETag"] == first["ETag"]
    assert by_etag.content == b""


def test_a_new_file_replaces_the_old_one_in_storage(client, django_capture_on_commit_callbacks):
    CSOFactory()
    write_open_data.enqueue()
    old = PublishedFile.objects.get(name="cso.csv")
    CSOFactory()

    with django_capture_on_commit_callbacks(execute=True):  # the old file goes after commit
        write_open_data.enqueue()

    new = PublishedFile.objects.get(name="cso.csv")
    storage = storages["default"]
    assert new.etag != old.etag and new.rows == 2
    assert storage.exists(new.storage_name)
    assert not storage.exists(old.storage_name)


def test_a_hidden_cso_is_never_in_the_files(client, coordinator):
    CSOFactory(name="公開の会")
    CSOFactory(name="非公開の会", status=CSO.Status.HIDDEN)
    write_open_data.enqueue()

    assert names(content(client.get(reverse("cso_registry:export_csv")))) == ["公開の会"]


def test_the_coordinator_rewrites_the_files_now_from_the_admin(
    client, coordinator, django_capture_on_commit_callbacks
):
    CSOFactory(name="嬉野の会")
    client.force_login(coordinator)
    page = client.get(reverse("admin:cso_registry_cso_open_data"))
    assert page.status_code == 200
    assert "まだ作っていません" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("admin:cso_registry_cso_open_data"))
    assert started.status_code == 302
    done = client.get(started["Location"])

    assert "作り直しました" in done.text
    assert done.context_data["job"].result == {"rows": {"cso.csv": 1, "cso.json": 1}}
    assert set(PublishedFile.objects.values_list("name", flat=True)) == {"cso.csv", "cso.json"}


def test_a_promoter_cannot_rewrite_the_files(client, promoter):
    client.force_login(promoter)

    assert client.get(reverse("admin:cso_registry_cso_open_data")).status_code == 403
    assert client.post(reverse("admin:cso_registry_cso_open_data")).status_code == 403
    assert not PublishedFile.objects.exists()
