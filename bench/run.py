"""`make bench`: gunicorn (DEBUG off, bench.settings) against PostgreSQL loaded by seed_bench,
a concurrent HTTP client, one table per scale, printed and written to bench-results/.

For each page: the queries per request (X-Bench-Queries), median and 95th percentile of the
server time (X-Bench-Server-Ms: inside Django, every middleware included) and of the time the
client saw, and the ratio of the median server time to the framework floor measured just before
it in the same run: bench.urls.floor rendering a static template of the page's byte size through
the same middleware. The CSV export is measured on its own: time to first byte, total time, its
queries, and the peak RSS (VmHWM) of the single worker that streamed it.

Environment: BENCH_SCALES (default "prefecture national"), BENCH_REQUESTS (per page, default
200), BENCH_CONCURRENCY (default 2, the number of gunicorn workers), BENCH_PORT (default 8100),
BENCH_EXPORT_RUNS (default 1),
BENCH_DATABASE_URL_<SCALE> (default postgres://postgres@127.0.0.1:5432/kyodo_bench_<scale>).
"""

import http.client
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
from urllib.parse import quote

import psycopg

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"
PROMOTER = ("bench-suishin@example.jp", "kyodo-bench-2026")
QUERY_LIMIT = 10


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

    def get(self, path, stream=False):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=600)
        headers = {"Host": HOST, "Cookie": self.cookie} if self.cookie else {"Host": HOST}
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
    """Create, migrate and (when empty, or asked to) seed the scale's database."""
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
    if reseed or not count:
        command = [PYTHON, "manage.py", "seed_bench", "--scale", scale]
        subprocess.run([*command, "--flush"] if count else command, cwd=ROOT, env=env, check=True)
    with psycopg.connect(url) as connection:

        def one(sql):
            return connection.execute(sql).fetchone()[0]

        published = one("SELECT count(*) FROM cso_registry_cso WHERE status = 'published'")
        return {
            "csos": one("SELECT count(*) FROM cso_registry_cso"),
            "proposals": one("SELECT count(*) FROM proposals_proposal"),
            "published": published,
            "cso_id": one(
                "SELECT id FROM cso_registry_cso WHERE status = 'published' "
                f"ORDER BY id OFFSET {published // 2} LIMIT 1"
            ),
            "field_id": one("SELECT id FROM cso_registry_activityfield WHERE number = 1"),
            "municipality_id": one(
                "SELECT id FROM cso_registry_municipality WHERE code = '412015'"
            ),
        }


def pages(data):
    last_page = min(500, max(1, data["published"] // 20))
    return [
        ("home", "/", False),
        ("/cso/", "/cso/", False),
        ("/cso/?q=福祉", "/cso/?q=" + quote("福祉"), False),
        (
            "/cso/ field+municipality",
            f"/cso/?field={data['field_id']}&municipality={data['municipality_id']}",
            False,
        ),
        (f"/cso/?page={last_page}", f"/cso/?page={last_page}", False),
        ("/cso/<id>/", f"/cso/{data['cso_id']}/", False),
        ("/themes/", "/themes/", False),
        ("/projects/", "/projects/", False),
        ("/evaluations/", "/evaluations/", False),
        ("/stats/", "/stats/", False),
        ("admin proposals (推進員)", "/admin/proposals/proposal/", True),
    ]


def measure_scale(scale, port, requests, concurrency):
    data = prepare(scale)
    stream_log = RESULTS / f"stream-{scale}.log"
    stream_log.unlink(missing_ok=True)
    rows = []
    with Server(scale, port, concurrency, stream_log):
        anonymous = Client(port)
        # A reader holding a (here empty) message cookie is never served from the page cache:
        # what every page costs to render, e.g. for the first reader after a change.
        rendering = Client(port, cookie="messages=")
        staff = Client(port)
        staff.login(*PROMOTER)
        for label, path, as_staff in pages(data):
            client = staff if as_staff else anonymous
            for _ in range(3):  # warm up every worker
                warm = client.get(path)
            size = warm["bytes"]
            floor = hammer(client, f"/__bench__/floor/{size}/", requests, concurrency)
            samples = hammer(client, path, requests, concurrency)
            staff_floor = None
            if as_staff:
                fresh = samples
                gated = hammer(client, f"/__bench__/staff-floor/{size}/", requests, concurrency)
                staff_floor = statistics.median(s["server_ms"] for s in gated)
            else:
                fresh = hammer(rendering, path, max(20, requests // 4), concurrency)
            queries = sorted({sample["queries"] for sample in samples})
            floor_median = statistics.median(s["server_ms"] for s in floor)
            server = [sample["server_ms"] for sample in samples]
            median = statistics.median(server)
            fresh_server = [sample["server_ms"] for sample in fresh]
            rows.append(
                {
                    "page": label,
                    "queries": "/".join(map(str, queries)),
                    "bytes": size,
                    "median": median,
                    "p95": percentile(server, 0.95),
                    "db_median": statistics.median(s["db_ms"] for s in samples),
                    "client_median": statistics.median(s["client_ms"] for s in samples),
                    "client_p95": percentile([s["client_ms"] for s in samples], 0.95),
                    "floor": floor_median,
                    "ratio": median / floor_median,
                    "cached": sum(s["cached"] for s in samples) / len(samples),
                    "fresh_queries": "/".join(
                        map(str, sorted({sample["queries"] for sample in fresh}))
                    ),
                    "fresh_median": statistics.median(fresh_server),
                    "fresh_p95": percentile(fresh_server, 0.95),
                    "staff_floor": staff_floor,
                }
            )
            print(f"  {label}: {rows[-1]['median']:.1f} ms ({rows[-1]['ratio']:.2f}× floor)")
    export = measure_export(scale, port + 1, stream_log)
    return data, rows, export


def measure_export(scale, port, stream_log):
    """The CSV export through one worker: TTFB, total, rows, queries and the worker's peak RSS."""
    with Server(scale, port, 1, stream_log) as server:
        client = Client(port)
        client.get("/")
        client.get("/cso/")
        (pid,) = server.worker_pids()
        rss_before = peak_rss_mb(pid)
        runs = int(os.environ.get("BENCH_EXPORT_RUNS", "1"))
        samples = [client.get("/cso/export.csv", stream=True) for _ in range(runs)]
        rss_after = peak_rss_mb(pid)
    stream_lines = [
        line.split("\t") for line in stream_log.read_text().splitlines() if "export.csv" in line
    ]
    return {
        "ttfb": statistics.median(s["ttfb_ms"] for s in samples),
        "total": statistics.median(s["client_ms"] for s in samples),
        "megabytes": samples[0]["bytes"] / 1024 / 1024,
        "queries": stream_lines[-1][1] if stream_lines else "?",
        "rss_before": rss_before,
        "rss_after": rss_after,
        "runs": len(samples),
    }


def table(scale, data, rows, export, limit):
    lines = [
        f"### {scale}: {data['csos']:,} CSOs ({data['published']:,} 公開), "
        f"{data['proposals']:,} proposals — target median ≤ {limit}× floor",
        "",
        "| page | queries | bytes | served from page cache | median ms | p95 ms "
        "| of which DB (median) | client median / p95 ms "
        "| floor ms | ratio | target | rendered: queries | rendered: median / p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for row in rows:
        counts = [*row["queries"].split("/"), *row["fresh_queries"].split("/")]
        ok = row["ratio"] <= limit and all(int(q) <= QUERY_LIMIT for q in counts)
        lines.append(
            f"| {row['page']} | {row['queries']} | {row['bytes']:,} | {row['cached']:.0%} "
            f"| {row['median']:.1f} | {row['p95']:.1f} | {row['db_median']:.1f} "
            f"| {row['client_median']:.1f} / {row['client_p95']:.1f} "
            f"| {row['floor']:.2f} | {row['ratio']:.2f}× | {'ok' if ok else 'MISSED'} "
            f"| {row['fresh_queries']} | {row['fresh_median']:.1f} / {row['fresh_p95']:.1f} |"
        )
    keyword = next(row for row in rows if "福祉" in row["page"])
    for row in rows:
        if row["staff_floor"]:
            lines += [
                "",
                f"{row['page']}: the same static page behind the admin's login, two-factor and "
                f"staff checks takes {row['staff_floor']:.2f} ms (median), "
                f"{row['staff_floor'] / row['floor']:.1f}× the floor by itself; the changelist is "
                f"{row['median'] / row['staff_floor']:.1f}× that gated floor.",
            ]
    lines += [
        "",
        f"Two-character keyword 福祉, p95: {keyword['p95']:.1f} ms as served, "
        f"{keyword['fresh_p95']:.1f} ms rendered without the page cache (target 100 ms): "
        f"{'ok' if keyword['fresh_p95'] <= 100 else 'MISSED'}.",
        "",
        f"/cso/export.csv: {export['megabytes']:.1f} MB, TTFB {export['ttfb']:.0f} ms, "
        f"total {export['total']:.0f} ms, {export['queries']} queries for the whole stream, "
        f"worker peak RSS {export['rss_before']:.1f} MB before → {export['rss_after']:.1f} MB "
        f"after {export['runs']} export(s)",
        "",
    ]
    return "\n".join(lines)


def main():
    # A Ctrl+C or kill ends the run through the context managers, which stop gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    scales = os.environ.get("BENCH_SCALES", "prefecture national").split()
    if sys.argv[1:] == ["seed"]:
        for scale in scales:
            print(f"== seed_bench --scale {scale}")
            prepare(scale, reseed=True)
        return 0
    requests = int(os.environ.get("BENCH_REQUESTS", "200"))
    concurrency = int(os.environ.get("BENCH_CONCURRENCY", "2"))
    port = int(os.environ.get("BENCH_PORT", "8100"))
    RESULTS.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "STATIC_ROOT": str(RESULTS / "static"),
    }
    env.pop("DEBUG", None)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    output = [
        f"## make bench — {stamp}",
        "",
        f"gunicorn {concurrency} sync workers, {concurrency} concurrent clients, {requests} "
        f"requests per page and per floor, {os.cpu_count()} CPUs, PostgreSQL; "
        "server time = inside Django (all middleware); floor = static template of the same "
        "byte size through the same middleware, measured just before the page.",
        "",
    ]
    for index, scale in enumerate(scales):
        print(f"== {scale}")
        data, rows, export = measure_scale(scale, port + 10 * index, requests, concurrency)
        output.append(table(scale, data, rows, export, 2 if scale == "prefecture" else 3))
    text = "\n".join(output)
    print(text)
    (RESULTS / "latest.md").write_text(text + "\n", encoding="utf-8")
    (RESULTS / f"bench-{datetime.now(UTC):%Y%m%d-%H%M%S}.md").write_text(
        text + "\n", encoding="utf-8"
    )
    print(f"\n{RESULTS / 'latest.md'} に書きました。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
