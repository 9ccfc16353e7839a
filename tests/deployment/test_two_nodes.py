"""Two gunicorn nodes of the portal (the repository's gunicorn.conf.py, DEBUG off), each with a
disk of its own, one PostgreSQL database, as behind a load balancer that sends one person's
requests to either node:

- with S3 (moto's server) and Redis: a file uploaded through node A is downloaded through node B
  (permission checked on B: another CSO gets 404), streamed or by presigned URL; one throttle
  counts the requests of both nodes; /readyz is 200;
- on each node's own disk, without Redis — the setup the issue starts from: B answers 500 for
  A's file and each node counts the throttle for itself, so the limit doubles. Only shared
  storage and a shared cache solve these (docs/deploy.md);
- a node whose database does not answer: /healthz and /readyz 503 (database failed), a page 500,
  reported to an error-reporting server (SENTRY_DSN) with the request id of the answer.
"""

import gzip
import json
import os
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from cso_registry.models import Membership
from proposals import services
from proposals.models import Attachment
from tests.deployment.servers import (
    ROOT,
    Node,
    free_port,
    portal_environment,
    s3_environment,
)
from tests.factories import CSOFactory, DepartmentFactory, MembershipFactory, ProposalFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    # Decided before any server starts: the SQLite test database lives in this process's memory.
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="two nodes share one database: PostgreSQL",
    ),
]
PASSWORD = "two-nodes-pass-2026"
# A 4 MB PDF (under UPLOAD_MAX_BYTES): big enough for the download times to mean something.
BIG_PDF = b"%PDF-1.4\n" + b"0" * (4 * 1024 * 1024) + b"\n%%EOF\n"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """collectstatic once, as the image build does (DEBUG off serves the manifest's files)."""
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("static")
    env = portal_environment("sqlite:///unused", STATIC_ROOT=root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return root


def database_url():
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{settings.get('USER') or 'postgres'}{password}@{host}:{port}/{settings['NAME']}"


@pytest.fixture
def nodes(tmp_path, static_root):
    """start(name, **env) starts a node with its own MEDIA_ROOT and PRIVATE_MEDIA_ROOT."""
    started = []

    def start(name, database=None, **variables):
        disk = tmp_path / name
        env = portal_environment(
            database or database_url(),
            STATIC_ROOT=static_root,
            MEDIA_ROOT=disk / "media",
            PRIVATE_MEDIA_ROOT=disk / "private-media",
            GUNICORN_THREADS=2,
            **variables,
        )
        node = Node(name, env, tmp_path)
        started.append(node)
        return node.start()

    yield start
    for node in started:
        node.stop()


def member_with_draft():
    """A CSO's 管理者 (password usable by the nodes' hashers) and a draft of theirs."""
    user = MembershipFactory(role=Membership.Role.ADMIN).user
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, uuid.uuid4().hex[:16], iterations=1000)
    user.save(update_fields=["password"])
    cso = user.memberships.get().cso
    draft = services.proposal_create(
        proposal=ProposalFactory.build(cso=cso, created_by=user, department=DepartmentFactory()),
        by=user,
    )
    return user, draft


def other_member():
    user = MembershipFactory(role=Membership.Role.ADMIN, cso=CSOFactory()).user
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, uuid.uuid4().hex[:16], iterations=1000)
    user.save(update_fields=["password"])
    return user


def sign_in(node, user):
    session = requests.Session()
    session.get(f"{node.url}/login/", timeout=30)
    response = session.post(
        f"{node.url}/login/",
        data={
            "username": user.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def upload(session, node, draft, data):
    response = session.post(
        f"{node.url}/my/proposals/{draft.pk}/attachments/",
        data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
        files={"file": ("活動計画.pdf", data, "application/pdf")},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.text[:500]
    return Attachment.objects.filter(proposal=draft).latest("pk")


def signups_until_refused(a, b, limit=10):
    """POST /signup/ alternately to both nodes from one address: how many are let through."""
    clients = [requests.Session(), requests.Session()]
    for client, node in zip(clients, (a, b), strict=True):
        client.get(f"{node.url}/signup/", timeout=30)
    answers = []
    for i in range(2 * limit + 2):
        client, node = clients[i % 2], (a, b)[i % 2]
        response = client.post(
            f"{node.url}/signup/",
            data={"csrfmiddlewaretoken": client.cookies["csrftoken"]},
            allow_redirects=False,
            timeout=30,
        )
        answers.append(response.status_code)
        if response.status_code == 429:
            break
    return answers


def timed_downloads(fetch, times=5):
    durations = []
    for _ in range(times):
        start = time.perf_counter()
        body = fetch()
        durations.append(time.perf_counter() - start)
        assert body == BIG_PDF
    return sorted(durations)[len(durations) // 2]


def test_with_object_storage_and_redis_a_file_uploaded_on_one_node_is_downloaded_on_the_other(
    nodes, bucket, s3_endpoint, redis_url, capsys
):
    bucket_name, s3 = bucket
    shared = {
        **s3_environment(s3_endpoint, bucket_name),
        "CACHE_URL": redis_url,
        "CACHE_KEY_PREFIX": uuid.uuid4().hex[:8],
        "LOG_FORMAT": "json",
    }
    a = nodes("a", **shared)
    b = nodes("b", **shared, S3_PRESIGNED_DOWNLOADS=1)
    user, draft = member_with_draft()
    session = sign_in(a, user)

    attachment = upload(session, a, draft, BIG_PDF)

    assert s3.head_object(Bucket=bucket_name, Key=f"private/{attachment.file.name}")
    assert not any((a.log.parent / "a" / "private-media").rglob("*.pdf"))
    url = attachment.get_download_url()
    # Node A streams from the bucket; node B checks permission and redirects to a presigned URL.
    streamed = session.get(f"{a.url}{url}", timeout=60)
    assert streamed.status_code == 200 and streamed.content == BIG_PDF
    redirected = session.get(f"{b.url}{url}", allow_redirects=False, timeout=60)
    assert redirected.status_code == 302
    assert redirected.headers["Location"].startswith(f"{s3_endpoint}/{bucket_name}/private/")
    fetched = requests.get(redirected.headers["Location"], timeout=60)
    assert fetched.content == BIG_PDF
    assert fetched.headers["Content-Disposition"].startswith("attachment;")
    # The session signed in on A is valid on B (sessions in the database and Redis); another
    # CSO's 管理者 gets 404 on either node, and nobody gets a URL without signing in.
    stranger = sign_in(b, other_member())
    assert stranger.get(f"{b.url}{url}", allow_redirects=False, timeout=30).status_code == 404
    assert stranger.get(f"{a.url}{url}", allow_redirects=False, timeout=30).status_code == 404
    anonymous = requests.get(f"{b.url}{url}", allow_redirects=False, timeout=30)
    assert anonymous.status_code == 302 and "/login/" in anonymous.headers["Location"]

    # One throttle for both nodes: signup:ip lets 10 through in all, then 429 on either node.
    answers = signups_until_refused(a, b)
    assert answers[-1] == 429 and len(answers) == 11, answers

    for node in (a, b):
        ready = requests.get(f"{node.url}/readyz", timeout=30)
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {
            "database": "ok",
            "cache": "ok",
            "storage": "ok",
            "migrations": "ok",
        }

    # JSON logs: a line of the request names the id the answer carries.
    missing = requests.get(f"{a.url}/cso/999999999/", timeout=30)
    request_id = missing.headers["X-Request-ID"]
    lines = [json.loads(line) for line in a.log.read_text().splitlines() if line.startswith("{")]
    assert any(
        line.get("request_id") == request_id and line["logger"] == "django.request"
        for line in lines
    )
    assert any(
        request_id in line["message"] for line in lines if line["logger"] == "gunicorn.access"
    )

    through_view = timed_downloads(lambda: session.get(f"{a.url}{url}", timeout=60).content)
    presigned = timed_downloads(
        lambda: (
            requests.get(
                session.get(f"{b.url}{url}", allow_redirects=False, timeout=60).headers["Location"],
                timeout=60,
            ).content
        )
    )
    with capsys.disabled():
        print(
            f"\n4 MB download, median of 5: through node A's view {through_view * 1000:.0f} ms, "
            f"redirect from node B + presigned URL {presigned * 1000:.0f} ms"
        )


def test_on_each_nodes_own_disk_the_other_node_cannot_serve_the_file_nor_share_the_count(
    nodes,
):
    a, b = nodes("a"), nodes("b")
    user, draft = member_with_draft()
    session = sign_in(a, user)

    attachment = upload(session, a, draft, BIG_PDF)

    url = attachment.get_download_url()
    assert session.get(f"{a.url}{url}", timeout=60).content == BIG_PDF
    # The database says the file exists; B's disk does not have it.
    assert session.get(f"{b.url}{url}", timeout=60).status_code == 500
    # Each node counts for itself: 10 + 10 get through instead of 10.
    answers = signups_until_refused(a, b)
    assert answers[-1] == 429 and len(answers) == 21, answers


class _ErrorReports(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append(body.decode("utf-8", "replace"))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_a_node_whose_database_does_not_answer_is_not_ready_and_reports_its_errors(nodes):
    reports = ThreadingHTTPServer(("127.0.0.1", 0), _ErrorReports)
    threading.Thread(target=reports.serve_forever, daemon=True).start()
    _ErrorReports.received = []
    nowhere = f"postgres://postgres@127.0.0.1:{free_port()}/kyodo?connect_timeout=2"
    try:
        node = nodes(
            "lost",
            database=nowhere,
            SENTRY_DSN=f"http://public@127.0.0.1:{reports.server_port}/1",
            PAGE_CACHE_SECONDS=0,
        )

        assert requests.get(f"{node.url}/healthz", timeout=30).status_code == 503
        ready = requests.get(f"{node.url}/readyz", timeout=30)
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"] == "error"
        assert ready.json()["checks"]["migrations"] == "error"
        page = requests.get(
            f"{node.url}/cso/", cookies={"sessionid": "secret-session-value"}, timeout=30
        )
        assert page.status_code == 500
        assert "127.0.0.1" not in page.text  # the error page says nothing of the cause

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not any(
            page.headers["X-Request-ID"] in report for report in _ErrorReports.received
        ):
            time.sleep(0.2)
        report = next(r for r in _ErrorReports.received if page.headers["X-Request-ID"] in r)
        assert "OperationalError" in report
        assert "secret-session-value" not in report  # no cookies, no personal data
    finally:
        reports.shutdown()
