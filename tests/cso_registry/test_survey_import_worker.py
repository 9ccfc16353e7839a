"""The admin survey import through a real `manage.py db_worker` (TASKS_BACKEND=database): the
request answers at once, the job's page shows the progress while the worker writes, then the
result."""

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cso_registry.models import CSO
from tests import processes
from tests.cso_registry.test_survey_import import csv_bytes, good_rows

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# 300 rows keep CI short; SURVEY_IMPORT_WORKER_ROWS=1000 measures the 1,000-row file.
ROWS = int(os.environ.get("SURVEY_IMPORT_WORKER_ROWS", "300"))


def test_a_long_import_runs_in_the_worker_and_its_page_shows_the_progress(
    client, coordinator, settings, tmp_path, capsys
):
    processes.postgres_only()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(coordinator)

    answered = time.monotonic()
    response = client.post(
        reverse("admin:cso_registry_cso_import"),
        {"file": SimpleUploadedFile("survey.csv", csv_bytes(good_rows(ROWS)))},
    )
    answered = time.monotonic() - answered
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "順番待ち" in page.text and 'id="background-job-progress"' in page.text
    status_url = page.context_data["status_url"]

    log = (tmp_path / "worker.log").open("wb")
    worker = processes.start(
        "db_worker",
        "--interval",
        "0.1",
        "--no-startup-delay",
        "--no-reload",
        env={"TASKS_BACKEND": "database"},
        log=log,
    )
    seen = set()
    started = time.monotonic()
    try:
        while True:
            status = client.get(status_url).json()
            if status["stage"] and 0 < status["done"] < status["total"]:
                seen.add(status["stage"])
            if status["finished"]:
                break
            assert time.monotonic() - started < 300, status
            time.sleep(0.2)
    finally:
        processes.stop(worker)
    took = time.monotonic() - started

    assert status["status"] == "succeeded"
    assert {"確認中", "書き込み中"} <= seen  # the page saw both stages under way
    done = client.get(response["Location"])
    assert "取り込みました" in done.text
    assert CSO.objects.count() == ROWS
    with capsys.disabled():
        print(
            f"\nsurvey import of {ROWS} rows: the request answered in {answered:.2f} s; "
            f"the worker finished in {took:.1f} s (its start included)"
        )
