"""`make bench`: gunicorn (DEBUG off, bench.settings) against PostgreSQL loaded by seed_bench,
an HTTP client, tables per scale and across scales, printed and written to bench-results/.

Two measurements of each page:

- Served (public pages, issue 8): what anonymous readers get, mostly from the page cache.
  ``BENCH_REQUESTS`` GETs from 2 threads; the median of the server time (X-Bench-Server-Ms,
  inside Django) against the framework floor (bench.urls.floor: a static template of the same
  byte size through the same middleware) measured just before. Targets 2× (prefecture) and 3×
  (national).
- Rendered (issue 18): what every signed-in person, and the first reader after a change of
  public data, waits for. Public pages for a reader holding a message cookie (never served from
  the page cache), the /my/ pages as a CSO member (管理者 of a CSO with collaborations), the
  admin as a 推進員 and as 県民協働課. ``BENCH_ROUNDS`` rounds, one request at a time, each
  round the floor of the page's byte size then the page, from the same client with the same
  cookies: the ratio is median page / median floor of the time the client saw, so a machine
  that gets busier during the run slows both alike. Targets: public and /my/ pages ≤ 15× the
  floor, the admin pages a 推進員 or 県民協働課 uses daily ≤ 20×, the national figure ≤ 1.3×
  the prefecture's (the growth compares the two ratios, so that it too is read against the
  floor of its own run), and the two-character keyword (福祉) at national scale p95 ≤ 100 ms.

The CSV export is measured on its own: time to first byte, total time, its queries, and the peak
RSS (VmHWM) of the single worker that streamed it (``BENCH_EXPORT_RUNS=0`` skips it).

`python bench/run.py profile PATH … [--scale S] [--as reader|member|promoter|coordinator]
[--requests N] [--top N]` profiles rendered pages in this process with cProfile (same settings,
same database, Django's test client) and prints the functions with the most time of their own
and the most time below them.

Environment: BENCH_SCALES (default "prefecture national"), BENCH_REQUESTS (served, per page,
default 200), BENCH_ROUNDS (rendered, per page, default 40; the keyword page takes at least 100
for its p95), BENCH_CONCURRENCY (default 2, the number of gunicorn workers), BENCH_PORT (default
8100), BENCH_EXPORT_RUNS (default 1; 0 skips the export), BENCH_ONLY (a regular expression on
"<page label> <who>": only those pages, for a quick look; the cross-scale files are not written),
BENCH_DATABASE_URL_<SCALE> (default postgres://postgres@127.0.0.1:5432/kyodo_bench_<scale>).
"""

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

import psycopg

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"
PASSWORD = "kyodo-bench-2026"  # seed_bench.BENCH_PASSWORD
ACCOUNTS = {
    "member": "bench-member@example.jp",
    "promoter": "bench-suishin@example.jp",
    "coordinator": "bench-kyodo@example.jp",
}
WHO = {
    "reader": "閲覧者",
    "member": "CSO メンバー",
    "promoter": "推進員",
    "coordinator": "県民協働課",
}
QUERY_LIMIT = 10
RENDERED_TARGET = {"public": 15, "my": 15, "admin": 20}
GROWTH_TARGET = 1.3
KEYWORD_TARGET_MS = 100
KEYWORD_LABEL = "/cso/?q=福祉"


def database_url(scale):
    return os.environ.get(
        f"BENCH_DATABASE_URL_{scale.upper()}",
        f"postgres://postgres@127.0.0.1:5432/kyodo_bench_{scale}",
    )


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class Client:
    """One request per connection (gunicorn's sync workers close after each response)."""

    def __init__(self, port, cookie=""):
        self.port = port
        self.cookie = cookie

    def get(self, path, stream=False, extra=None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=600)
        headers = {"Host": HOST, "Cookie": self.cookie} if self.cookie else {"Host": HOST}
        headers.update(extra or {})
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        first = response.read(1) if stream else b""
        ttfb = time.perf_counter() - started
        size = len(first)
        if stream:
            while chunk := response.read(65536):
                size += len(chunk)
            body = b""
        else:
            body = response.read()
            size = len(body)
        total = time.perf_counter() - started
        connection.close()
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}")
        return {
            "status": response.status,
            "queries": int(response.getheader("X-Bench-Queries", "-1")),
            "server_ms": float(response.getheader("X-Bench-Server-Ms", "nan")),
            "db_ms": float(response.getheader("X-Bench-DB-Ms", "nan")),
            "cached": response.getheader("X-Page-Cache") == "hit",
            "client_ms": total * 1000,
            "ttfb_ms": ttfb * 1000,
            "bytes": size,
            "body": body,
        }

    def login(self, email, password):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        connection.request("GET", "/login/", headers={"Host": HOST})
        response = connection.getresponse()
        page = response.read().decode()
        csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", ""))[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        connection.close()
        body = f"csrfmiddlewaretoken={token}&username={quote(email)}&password={quote(password)}"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        connection.request(
            "POST",
            "/login/",
            body=body,
            headers={
                "Host": HOST,
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={csrf_cookie}",
                "Referer": f"http://{HOST}:{self.port}/login/",
            },
        )
        response = connection.getresponse()
        response.read()
        cookies = response.getheader("Set-Cookie", "")
        session = re.search(r"sessionid=([^;]+)", cookies)
        connection.close()
        if response.status != 302 or not session:
            raise RuntimeError(f"login as {email} failed: HTTP {response.status}")
        self.cookie = f"sessionid={session[1]}; csrftoken={csrf_cookie}"
        return self


def hammer(client, path, requests, concurrency):
    """``requests`` GETs of ``path`` from ``concurrency`` threads; the samples in order."""
    samples = []
    lock = threading.Lock()
    remaining = [requests]

    def worker():
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            sample = client.get(path)
            sample.pop("body")
            with lock:
                samples.append(sample)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def alternate(client, path, floor_path, rounds, floor_client=None, extra=None):
    """``rounds`` rounds of the floor then the page, one request at a time."""
    floor, page = [], []
    for _ in range(rounds):
        floor.append((floor_client or client).get(floor_path))
        page.append(client.get(path, extra=extra))
    for sample in floor + page:
        sample.pop("body", None)
    return page, floor


class Server:
    def __init__(self, scale, port, workers, stream_log):
        self.scale = scale
        self.port = port
        self.workers = workers
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url(scale),
            "STATIC_ROOT": str(RESULTS / "static"),
            "BENCH_STREAM_LOG": str(stream_log),
        }
        self.env.pop("DEBUG", None)

    def __enter__(self):
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "kyodo_portal.wsgi:application",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--timeout",
                "600",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        client = Client(self.port)
        for _ in range(120):
            try:
                client.get("/healthz")
                return self
            except (OSError, RuntimeError):
                time.sleep(0.5)
        self.log.seek(0)
        raise RuntimeError("gunicorn did not start:\n" + self.log.read().decode())

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def peak_rss_mb(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) / 1024


def create_database(url):
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"  データベース {name} を作りました。")


def prepare(scale, reseed=False):
    """Create, migrate and (when empty, or asked to) seed the scale's database; make sure the
    benchmark's CSO member exists; read the ids the pages need."""
    url = database_url(scale)
    create_database(url)
    with psycopg.connect(url) as connection:
        has_table = connection.execute("SELECT to_regclass('cso_registry_cso')").fetchone()[0]
        count = (
            connection.execute("SELECT count(*) FROM cso_registry_cso").fetchone()[0]
            if has_table
            else 0
        )
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    command = [PYTHON, "manage.py", "seed_bench", "--scale", scale]
    if reseed or not count:
        subprocess.run([*command, "--flush"] if count else command, cwd=ROOT, env=env, check=True)
    else:
        subprocess.run([*command, "--member-only", "-v0"], cwd=ROOT, env=env, check=True)
    return page_data(url)


def page_data(url):
    with psycopg.connect(url) as connection:

        def one(sql, *params):
            row = connection.execute(sql, params).fetchone()
            return row[0] if row else None

        published = one("SELECT count(*) FROM cso_registry_cso WHERE status = 'published'")
        member_cso = one(
            "SELECT m.cso_id FROM cso_registry_membership m JOIN kyodo_portal_user u "
            "ON u.id = m.user_id WHERE u.email = %s AND m.status = 'active'",
            ACCOUNTS["member"],
        )
        promoter_department = one(
            "SELECT department_id FROM kyodo_portal_user WHERE email = %s", ACCOUNTS["promoter"]
        )
        public_agreements = "('concluded', 'in_progress', 'completed')"
        return {
            "csos": one("SELECT count(*) FROM cso_registry_cso"),
            "proposals": one("SELECT count(*) FROM proposals_proposal"),
            "published": published,
            "cso_id": one(
                "SELECT id FROM cso_registry_cso WHERE status = 'published' "
                f"ORDER BY id OFFSET {published // 2} LIMIT 1"
            ),
            "pending_cso_id": one(
                "SELECT id FROM cso_registry_cso WHERE status = 'pending' ORDER BY id LIMIT 1"
            ),
            "field_id": one("SELECT id FROM cso_registry_activityfield WHERE number = 1"),
            "municipality_id": one(
                "SELECT id FROM cso_registry_municipality WHERE code = '412015'"
            ),
            "theme_id": one(
                "SELECT id FROM proposals_theme WHERE status = 'published' ORDER BY id DESC LIMIT 1"
            ),
            "agreement_id": one(
                f"SELECT id FROM proposals_agreement WHERE status IN {public_agreements} "
                "ORDER BY id DESC LIMIT 1"
            ),
            "evaluation_id": one(
                "SELECT id FROM evaluations_evaluation WHERE status = 'published' "
                "ORDER BY id DESC LIMIT 1"
            ),
            "member_cso_id": member_cso,
            "member_proposal_id": one(
                "SELECT id FROM proposals_proposal WHERE cso_id = %s ORDER BY id DESC LIMIT 1",
                member_cso,
            ),
            "member_agreement_id": one(
                "SELECT a.id FROM proposals_agreement a JOIN proposals_proposal p "
                "ON p.id = a.proposal_id WHERE p.cso_id = %s ORDER BY a.id DESC LIMIT 1",
                member_cso,
            ),
            "member_evaluation_id": one(
                "SELECT e.id FROM evaluations_evaluation e JOIN proposals_agreement a "
                "ON a.id = e.agreement_id JOIN proposals_proposal p ON p.id = a.proposal_id "
                "WHERE p.cso_id = %s ORDER BY e.id DESC LIMIT 1",
                member_cso,
            ),
            "department_proposal_id": one(
                "SELECT id FROM proposals_proposal WHERE department_id = %s "
                "AND status = 'submitted' ORDER BY id DESC LIMIT 1",
                promoter_department,
            ),
        }


class Page(NamedTuple):
    label: str
    path: str
    who: str  # a key of WHO
    kind: str  # a key of RENDERED_TARGET

    @property
    def served(self):
        """Anonymous readers get it from the page cache: measured as served too."""
        return self.who == "reader"


def pages(data):
    last_page = min(500, max(1, data["published"] // 20))
    d = data
    listed = [
        Page("home", "/", "reader", "public"),
        Page("/cso/", "/cso/", "reader", "public"),
        Page(KEYWORD_LABEL, "/cso/?q=" + quote("福祉"), "reader", "public"),
        Page(
            "/cso/ field+municipality",
            f"/cso/?field={d['field_id']}&municipality={d['municipality_id']}",
            "reader",
            "public",
        ),
        Page(f"/cso/?page={last_page}", f"/cso/?page={last_page}", "reader", "public"),
        Page("/cso/<id>/", f"/cso/{d['cso_id']}/", "reader", "public"),
        Page("/themes/", "/themes/", "reader", "public"),
        Page("/themes/<id>/", f"/themes/{d['theme_id']}/", "reader", "public"),
        Page("/projects/", "/projects/", "reader", "public"),
        Page("/projects/<id>/", f"/projects/{d['agreement_id']}/", "reader", "public"),
        Page("/evaluations/", "/evaluations/", "reader", "public"),
        Page("/evaluations/<id>/", f"/evaluations/{d['evaluation_id']}/", "reader", "public"),
        Page("/stats/", "/stats/", "reader", "public"),
        Page("/cso/ (signed in)", "/cso/", "member", "public"),
        Page("/my/", "/my/", "member", "my"),
        Page("/my/cso/<id>/", f"/my/cso/{d['member_cso_id']}/", "member", "my"),
        Page("/my/proposals/", "/my/proposals/", "member", "my"),
        Page("/my/proposals/<id>/", f"/my/proposals/{d['member_proposal_id']}/", "member", "my"),
        Page("/my/agreements/", "/my/agreements/", "member", "my"),
        Page(
            "/my/agreements/<id>/",
            f"/my/agreements/{d['member_agreement_id']}/",
            "member",
            "my",
        ),
        Page("/my/evaluations/", "/my/evaluations/", "member", "my"),
        Page(
            "/my/evaluations/<id>/",
            f"/my/evaluations/{d['member_evaluation_id']}/",
            "member",
            "my",
        ),
        Page("admin index", "/admin/", "promoter", "admin"),
        Page("admin proposals", "/admin/proposals/proposal/", "promoter", "admin"),
        Page(
            "admin proposal",
            f"/admin/proposals/proposal/{d['department_proposal_id']}/change/",
            "promoter",
            "admin",
        ),
        Page("admin themes", "/admin/proposals/theme/", "promoter", "admin"),
        Page("admin agreements", "/admin/proposals/agreement/", "promoter", "admin"),
        Page("admin evaluations", "/admin/evaluations/evaluation/", "promoter", "admin"),
        Page("admin CSOs", "/admin/cso_registry/cso/", "promoter", "admin"),
        Page("admin CSOs", "/admin/cso_registry/cso/", "coordinator", "admin"),
        Page(
            "admin CSOs 申請中",
            "/admin/cso_registry/cso/?status__exact=pending",
            "coordinator",
            "admin",
        ),
        Page(
            "admin CSO",
            f"/admin/cso_registry/cso/{d['pending_cso_id']}/change/",
            "coordinator",
            "admin",
        ),
        Page("admin proposals", "/admin/proposals/proposal/", "coordinator", "admin"),
        Page("admin evaluations", "/admin/evaluations/evaluation/", "coordinator", "admin"),
        Page("admin memberships", "/admin/cso_registry/membership/", "coordinator", "admin"),
    ]
    # A page whose object the data does not hold (e.g. no evaluation of the member's CSO).
    return [page for page in listed if "/None/" not in page.path]


def measure_served(client, page, requests, concurrency):
    for _ in range(2 * concurrency):  # warm up every worker
        warm = client.get(page.path)
    size = warm["bytes"]
    floor = hammer(client, f"/__bench__/floor/{size}/", requests, concurrency)
    samples = hammer(client, page.path, requests, concurrency)
    floor_median = statistics.median(s["server_ms"] for s in floor)
    server = [sample["server_ms"] for sample in samples]
    return {
        "page": page.label,
        "queries": "/".join(map(str, sorted({sample["queries"] for sample in samples}))),
        "bytes": size,
        "median": statistics.median(server),
        "p95": percentile(server, 0.95),
        "db_median": statistics.median(s["db_ms"] for s in samples),
        "client_median": statistics.median(s["client_ms"] for s in samples),
        "client_p95": percentile([s["client_ms"] for s in samples], 0.95),
        "floor": floor_median,
        "ratio": statistics.median(server) / floor_median,
        "cached": sum(s["cached"] for s in samples) / len(samples),
    }


def measure_rendered(client, floor_client, page, rounds, concurrency):
    for _ in range(2 * concurrency):  # warm up every worker
        warm = client.get(page.path)
    if warm["cached"]:
        raise RuntimeError(f"{page.path} as {page.who} came from the page cache")
    size = warm["bytes"]
    if page.label == KEYWORD_LABEL:
        rounds = max(rounds, 100)
    samples, floor = alternate(client, page.path, f"/__bench__/floor/{size}/", rounds, floor_client)
    client_ms = [s["client_ms"] for s in samples]
    server_ms = [s["server_ms"] for s in samples]
    floor_ms = statistics.median(s["client_ms"] for s in floor)
    cold = {}
    if page.kind == "public":
        # The first reader after a change of public data: nothing kept from before it.
        cold_samples, cold_floor = alternate(
            client,
            page.path,
            f"/__bench__/floor/{size}/",
            max(10, rounds // 2),
            floor_client,
            extra={"X-Bench-Cold": "1"},
        )
        cold = {
            "cold_median": statistics.median(s["client_ms"] for s in cold_samples),
            "cold_queries": "/".join(map(str, sorted({s["queries"] for s in cold_samples}))),
            "cold_ratio": statistics.median(s["client_ms"] for s in cold_samples)
            / statistics.median(s["client_ms"] for s in cold_floor),
        }
    return {
        **cold,
        "page": page.label,
        "who": page.who,
        "kind": page.kind,
        "path": page.path,
        "queries": "/".join(map(str, sorted({s["queries"] for s in samples}))),
        "bytes": size,
        "rounds": rounds,
        "median": statistics.median(client_ms),
        "p95": percentile(client_ms, 0.95),
        "server_median": statistics.median(server_ms),
        "db_median": statistics.median(s["db_ms"] for s in samples),
        "floor": floor_ms,
        "server_floor": statistics.median(s["server_ms"] for s in floor),
        "ratio": statistics.median(client_ms) / floor_ms,
    }


def clients_for(port):
    return {
        # A reader holding a (here empty) message cookie is never served from the page cache:
        # what every page costs to render, e.g. for the first reader after a change.
        "reader": Client(port, cookie="messages="),
        **{who: Client(port).login(email, PASSWORD) for who, email in ACCOUNTS.items()},
    }


def measure_scale(scale, port, requests, rounds, concurrency, only=None):
    data = prepare(scale)
    stream_log = RESULTS / f"stream-{scale}.log"
    stream_log.unlink(missing_ok=True)
    served, rendered, errors = [], [], []
    chosen = [p for p in pages(data) if not only or re.search(only, f"{p.label} {p.who}")]
    with Server(scale, port, concurrency, stream_log):
        anonymous = Client(port)
        clients = clients_for(port)
        for page in chosen:
            try:
                if page.served and requests:
                    served.append(measure_served(anonymous, page, requests, concurrency))
                    row = served[-1]
                    print(f"  served {page.label}: {row['median']:.1f} ms ({row['ratio']:.2f}×)")
                rendered.append(
                    measure_rendered(clients[page.who], anonymous, page, rounds, concurrency)
                )
            except RuntimeError as error:  # a page that fails is reported, the run goes on
                print(f"  {page.label} ({WHO[page.who]}): {error}")
                errors.append(f"{page.label} ({WHO[page.who]}): {error}")
                continue
            row = rendered[-1]
            print(
                f"  rendered {page.label} ({WHO[page.who]}): {row['median']:.1f} ms "
                f"({row['ratio']:.1f}× floor {row['floor']:.2f} ms), {row['queries']} queries"
            )
        signed_in_floors = measure_signed_in_floors(clients, anonymous, rounds)
    export = measure_export(scale, port + 1, stream_log)
    return data, served, rendered, signed_in_floors, export, errors


def measure_signed_in_floors(clients, anonymous, rounds, size=30_000):
    """What being signed in costs before a page renders anything: the floor with each person's
    cookies (the session and the user are read) and, for staff, behind the admin's own gate
    (session, user, two-factor and staff checks), each against the floor without cookies."""
    floors = []
    plain = f"/__bench__/floor/{size}/"
    for who, path in [
        ("member", plain),
        ("promoter", plain),
        ("promoter", f"/__bench__/staff-floor/{size}/"),
    ]:
        signed_in, floor = alternate(clients[who], path, plain, rounds, anonymous)
        floors.append(
            (
                f"{WHO[who]}{'（管理画面の入口）' if 'staff' in path else ''}",
                statistics.median(s["client_ms"] for s in signed_in),
                statistics.median(s["client_ms"] for s in floor),
            )
        )
    return floors


def measure_export(scale, port, stream_log):
    """The CSV export through one worker: TTFB, total, rows, queries and the worker's peak RSS."""
    runs = int(os.environ.get("BENCH_EXPORT_RUNS", "1"))
    if runs < 1:
        return None
    with Server(scale, port, 1, stream_log) as server:
        client = Client(port)
        client.get("/")
        client.get("/cso/")
        (pid,) = server.worker_pids()
        rss_before = peak_rss_mb(pid)
        samples = [client.get("/cso/export.csv", stream=True) for _ in range(runs)]
        rss_after = peak_rss_mb(pid)
    # The worker writes the stream's totals once the stream ends; none if it never did.
    log = stream_log.read_text() if stream_log.exists() else ""
    stream_lines = [line.split("\t") for line in log.splitlines() if "export.csv" in line]
    return {
        "ttfb": statistics.median(s["ttfb_ms"] for s in samples),
        "total": statistics.median(s["client_ms"] for s in samples),
        "megabytes": samples[0]["bytes"] / 1024 / 1024,
        "queries": stream_lines[-1][1] if stream_lines else "?",
        "rss_before": rss_before,
        "rss_after": rss_after,
        "runs": len(samples),
    }


def served_table(scale, data, rows, export, limit):
    lines = [
        f"### {scale}: {data['csos']:,} CSOs ({data['published']:,} 公開), "
        f"{data['proposals']:,} proposals",
        "",
        f"Served to anonymous readers (page cache) — target median ≤ {limit}× floor (server time):",
        "",
        "| page | queries | bytes | served from page cache | median ms | p95 ms "
        "| of which DB (median) | client median / p95 ms | floor ms | ratio | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        ok = row["ratio"] <= limit and all(int(q) <= QUERY_LIMIT for q in row["queries"].split("/"))
        lines.append(
            f"| {row['page']} | {row['queries']} | {row['bytes']:,} | {row['cached']:.0%} "
            f"| {row['median']:.1f} | {row['p95']:.1f} | {row['db_median']:.1f} "
            f"| {row['client_median']:.1f} / {row['client_p95']:.1f} "
            f"| {row['floor']:.2f} | {row['ratio']:.2f}× | {'met' if ok else 'NOT MET'} |"
        )
    lines.append("")
    if export:
        lines += [
            f"/cso/export.csv: {export['megabytes']:.1f} MB, TTFB {export['ttfb']:.0f} ms, "
            f"total {export['total']:.0f} ms, {export['queries']} queries for the whole stream, "
            f"worker peak RSS {export['rss_before']:.1f} MB before → "
            f"{export['rss_after']:.1f} MB after {export['runs']} export(s)",
            "",
        ]
    else:
        lines += ["/cso/export.csv: not measured (BENCH_EXPORT_RUNS=0).", ""]
    return "\n".join(lines)


def rendered_table(scale, rows, signed_in_floors):
    lines = [
        f"Rendered ({scale}): client time, one request at a time, each after the floor of its "
        "byte size from the same client:",
        "",
        "| page | as | queries | bytes | median / p95 ms | server median ms | of which DB "
        "| floor ms | ratio | target | first reader after a change: queries, median ms (ratio) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        target = RENDERED_TARGET[row["kind"]]
        ok = row["ratio"] <= target
        cold = (
            f"{row['cold_queries']}, {row['cold_median']:.1f} ({row['cold_ratio']:.1f}×)"
            if "cold_median" in row
            else "–"
        )
        lines.append(
            f"| {row['page']} | {WHO[row['who']]} | {row['queries']} | {row['bytes']:,} "
            f"| {row['median']:.1f} / {row['p95']:.1f} | {row['server_median']:.1f} "
            f"| {row['db_median']:.1f} | {row['floor']:.2f} | {row['ratio']:.1f}× "
            f"| ≤ {target}×: {'met' if ok else 'NOT MET'} | {cold} |"
        )
    lines += [
        "",
        "Signed in, the same floor costs more before anything is rendered (session and user "
        "read; for staff, the admin's gate): "
        + "; ".join(
            f"{label} {ms:.2f} ms against {plain:.2f} ms ({ms / plain:.1f}×)"
            for label, ms, plain in signed_in_floors
        )
        + ". The ratios above are to the floor without cookies.",
        "",
    ]
    return "\n".join(lines)


def saved_rendered(scale):
    path = RESULTS / f"rendered-{scale}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def growth_table(prefecture, national):
    """Every rendered page at both scales: the ratio to the floor, its target, and the growth
    from prefecture to national (national ratio / prefecture ratio)."""
    before = {(r["page"], r["who"]): r for r in prefecture["rows"]}
    lines = [
        f"### Rendered pages across scales (prefecture {prefecture['stamp']}, "
        f"national {national['stamp']})",
        "",
        "Targets: public and /my/ pages ≤ 15× the floor and admin pages ≤ 20× at national "
        f"scale; national ≤ {GROWTH_TARGET}× prefecture (growth: national ratio / prefecture "
        "ratio, each against the floor measured alternately in its own run).",
        "",
        "| page | as | prefecture ms | ratio | national ms | ratio | target | growth "
        "| ratio met | growth met |",
        "|---|---|---:|---:|---:|---:|---|---:|---|---|",
    ]
    missed = []
    for row in national["rows"]:
        target = RENDERED_TARGET[row["kind"]]
        ratio_ok = row["ratio"] <= target
        small = before.get((row["page"], row["who"]))
        if small is None and row["page"].startswith("/cso/?page="):
            small = next(
                (r for r in prefecture["rows"] if r["page"].startswith("/cso/?page=")), None
            )
        if small:
            growth = row["ratio"] / small["ratio"]
            growth_ok = growth <= GROWTH_TARGET
            small_cells = f"{small['median']:.1f} | {small['ratio']:.1f}×"
            growth_cells = f"{growth:.2f}× | {'met' if growth_ok else 'NOT MET'}"
        else:
            growth_ok = True
            small_cells = "– | –"
            growth_cells = "– | –"
        if not (ratio_ok and growth_ok):
            missed.append(f"{row['page']} ({WHO[row['who']]})")
        growth_value, growth_mark = growth_cells.split(" | ")
        lines.append(
            f"| {row['page']} | {WHO[row['who']]} | {small_cells} "
            f"| {row['median']:.1f} | {row['ratio']:.1f}× | ≤ {target}× | {growth_value} "
            f"| {'met' if ratio_ok else 'NOT MET'} | {growth_mark} |"
        )
    keyword = next((r for r in national["rows"] if r["page"] == KEYWORD_LABEL), None)
    if keyword:
        ok = keyword["p95"] <= KEYWORD_TARGET_MS
        lines += [
            "",
            f"Two-character keyword 福祉 at national scale, rendered: p95 {keyword['p95']:.1f} ms "
            f"over {keyword['rounds']} requests (target ≤ {KEYWORD_TARGET_MS} ms): "
            f"{'met' if ok else 'NOT MET'}.",
        ]
        if not ok:
            missed.append("keyword p95")
    lines += [
        "",
        "All rendered targets met."
        if not missed
        else f"Not met ({len(missed)}): " + ", ".join(missed) + ".",
        "",
    ]
    return "\n".join(lines)


def collectstatic():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "STATIC_ROOT": str(RESULTS / "static"),
    }
    env.pop("DEBUG", None)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


def bench(scales):
    requests = int(os.environ.get("BENCH_REQUESTS", "200"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "40"))
    concurrency = int(os.environ.get("BENCH_CONCURRENCY", "2"))
    port = int(os.environ.get("BENCH_PORT", "8100"))
    only = os.environ.get("BENCH_ONLY")  # a regular expression on "label who" (for a quick look)
    RESULTS.mkdir(exist_ok=True)
    collectstatic()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0]
    output = [
        f"## make bench — {stamp}",
        "",
        f"gunicorn {concurrency} sync workers, {os.cpu_count()} CPUs, PostgreSQL, load average "
        f"{load:.1f} at the start. Served: {requests} requests per page and per floor from "
        f"{concurrency} clients, server time. Rendered: {rounds} rounds of floor then page, one "
        "request at a time, client time. Floor = a static template of the same byte size through "
        "the same middleware (bench/urls.py).",
        "",
    ]
    for index, scale in enumerate(scales):
        print(f"== {scale}")
        data, served, rendered, signed_in_floors, export, errors = measure_scale(
            scale, port + 10 * index, requests, rounds, concurrency, only
        )
        if errors:
            output += [f"Pages that failed at {scale} scale (not measured):", ""]
            output += [f"- {error}" for error in errors] + [""]
        output.append(served_table(scale, data, served, export, 2 if scale == "prefecture" else 3))
        output.append(rendered_table(scale, rendered, signed_in_floors))
        if not only:
            (RESULTS / f"rendered-{scale}.json").write_text(
                json.dumps({"stamp": stamp, "rows": rendered}, ensure_ascii=False, indent=1),
                encoding="utf-8",
            )
    prefecture, national = saved_rendered("prefecture"), saved_rendered("national")
    if prefecture and national and not only:
        output.append(growth_table(prefecture, national))
    text = "\n".join(output)
    print(text)
    (RESULTS / "latest.md").write_text(text + "\n", encoding="utf-8")
    (RESULTS / f"bench-{datetime.now(UTC):%Y%m%d-%H%M%S}.md").write_text(
        text + "\n", encoding="utf-8"
    )
    print(f"\n{RESULTS / 'latest.md'} に書きました。")
    return 0


def profile(argv):
    """Profile rendered pages in this process with cProfile (see the module's docstring)."""
    import cProfile
    import pstats

    parser = argparse.ArgumentParser(prog="bench/run.py profile")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--scale", default="prefecture")
    parser.add_argument("--as", dest="who", choices=sorted(WHO), default="reader")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--dump", help="write the pstats file here too")
    args = parser.parse_args(argv)
    collectstatic()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url(args.scale),
        STATIC_ROOT=str(RESULTS / "static"),
    )
    os.environ.pop("DEBUG", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client as DjangoClient

    client = DjangoClient(HTTP_HOST=HOST)
    if args.who == "reader":
        client.cookies["messages"] = ""
    else:
        client.force_login(get_user_model().objects.get(email=ACCOUNTS[args.who]))
    for path in args.paths:
        for _ in range(3):
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(args.requests):
            client.get(path)
        profiler.disable()
        elapsed = (time.perf_counter() - started) * 1000 / args.requests
        print(
            f"\n== {path} as {WHO[args.who]} ({args.scale}): {elapsed:.1f} ms per request "
            f"under cProfile, {args.requests} requests"
        )
        stats = pstats.Stats(profiler).strip_dirs()
        if args.dump:
            stats.dump_stats(args.dump)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)
    return 0


def main():
    # A Ctrl+C or kill ends the run through the context managers, which stop gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    scales = os.environ.get("BENCH_SCALES", "prefecture national").split()
    if sys.argv[1:] == ["seed"]:
        for scale in scales:
            print(f"== seed_bench --scale {scale}")
            prepare(scale, reseed=True)
        return 0
    if sys.argv[1:2] == ["profile"]:
        return profile(sys.argv[2:])
    return bench(scales)


if __name__ == "__main__":
    sys.exit(main())
