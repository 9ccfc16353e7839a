"""Load test of a running portal: USERS virtual people for DURATION seconds, each repeating a
mixed journey — browse the CSO directory, read pages (a CSO, themes, evaluations, events),
log in, save a proposal draft, submit it, log out.

Standard library only (threads, urllib with a cookie jar per person). Prints one row per step
(requests, 5xx, other errors, p50, p95, max in ms) and exits non-zero on any 5xx or when the
p95 of all requests is above --p95-limit seconds. Started by `make loadtest` (tools/loadtest.sh),
which prepares the database, the accounts and gunicorn.

    python tools/loadtest.py --base http://127.0.0.1:8095 --users 50 --duration 120 \
        --password kyodo-demo-2026 --accounts load{n}@example.jp
"""

import argparse
import http.cookiejar
import random
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict


class Person:
    def __init__(self, base, email, password):
        self.base = base.rstrip("/")
        self.email = email
        self.password = password
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def csrf(self):
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    think = 0.0  # mean seconds a person pauses before each click (set by --think)

    def request(self, step, path, data=None, record=None):
        if self.think:
            time.sleep(self.rng.uniform(0.5, 1.5) * self.think)
        url = path if path.startswith("http") else self.base + path
        body = None
        headers = {"User-Agent": "kyodo-loadtest", "Referer": self.base + "/"}
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.csrf()}
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            with self.opener.open(urllib.request.Request(url, body, headers), timeout=30) as r:
                status, text, location = r.status, r.read().decode("utf-8", "replace"), None
        except urllib.error.HTTPError as error:
            status = error.code
            text = error.read().decode("utf-8", "replace")
            location = error.headers.get("Location")
        except OSError as error:
            status, text, location = 0, str(error), None
        record(step, status, time.perf_counter() - started)
        return status, text, location


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def options(text, name):
    """The non-empty option values of <select name=name> in a page."""
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', text, flags=re.S)
    return [v for v in re.findall(r'<option value="([^"]+)"', match.group(1) if match else "")]


def log_in(person, record):
    person.request("ログイン画面", "/login/", record=record)
    status, _text, _ = person.request(
        "ログイン",
        "/login/",
        {"username": person.email, "password": person.password, "next": "/my/"},
        record=record,
    )
    return status == 302


def journey(person, record, rng, signed_in=False):
    """The public pages, then the person's own; with ``signed_in`` the person logs in first, so
    every page is rendered for them (never from the anonymous page cache) and their CSO's lists
    are read too (issue 18)."""
    if signed_in and not log_in(person, record):
        return
    status, text, _ = person.request("トップ", "/", record=record)
    status, text, _ = person.request("CSO名簿", "/cso/", record=record)
    ids = re.findall(r'href="/cso/(\d+)/"', text)
    person.request(
        "CSO名簿（検索）", "/cso/?" + urllib.parse.urlencode({"q": "さが"}), record=record
    )
    if ids:
        person.request("CSOのページ", f"/cso/{rng.choice(ids)}/", record=record)
    person.request("募集テーマ", "/themes/", record=record)
    status, text, _ = person.request("振り返り一覧", "/evaluations/", record=record)
    evaluation_ids = re.findall(r'href="/evaluations/(\d+)/"', text)
    if evaluation_ids:
        person.request("振り返り", f"/evaluations/{rng.choice(evaluation_ids)}/", record=record)
    person.request("催し", "/events/", record=record)
    if signed_in:
        person.request("協働事業", "/projects/", record=record)
    elif not log_in(person, record):
        return
    person.request("マイページ", "/my/", record=record)
    if signed_in:
        person.request("団体の提案", "/my/proposals/", record=record)
        person.request("団体の協定", "/my/agreements/", record=record)
        person.request("団体の振り返り", "/my/evaluations/", record=record)
    status, text, _ = person.request("提案の作成画面", "/my/proposals/new/", record=record)
    csos, departments = options(text, "cso"), options(text, "department")
    if status == 200 and csos and departments:
        status, text, location = person.request(
            "下書きの保存",
            "/my/proposals/new/",
            {
                "cso": csos[0],
                "department": rng.choice(departments),
                "title": f"負荷試験の提案 {rng.randrange(10**6)}",
                "purpose": "地域の見守りの担い手を増やします。",
                "shared_goal": "孤立を防ぐことを県と共有します。",
                "content": "週一回の訪問と月一回の交流会を行います。",
                "expected_effect": "孤立の早期発見。",
                "zone": "C",
                "form": "cooperation",
                "project_type": "local",
                "starts_on": "",
                "ends_on": "",
                "budget_estimate": "",
                "budget_note": "",
                "cso_role": "訪問ボランティアの募集と研修。",
                "prefecture_role": "市町との調整と広報。",
            },
            record=record,
        )
        match = re.search(r"/my/proposals/(\d+)/", location or "")
        if status == 302 and match:
            pk = match.group(1)
            person.request("提案のページ", f"/my/proposals/{pk}/", record=record)
            person.request("提出", f"/my/proposals/{pk}/submit/", {}, record=record)
    person.request("ログアウト", "/logout/", {}, record=record)
    person.jar.clear()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8095")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--accounts", default="load{n}@example.jp")
    parser.add_argument("--password", default="kyodo-demo-2026")
    parser.add_argument("--p95-limit", type=float, default=1.0)
    parser.add_argument(
        "--signed-in",
        action="store_true",
        help="log in first: every page of the journey is read by a signed-in person",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean pause in seconds before each request (0.5-1.5 x); 0 hammers without pause",
    )
    args = parser.parse_args(argv)

    timings = defaultdict(list)
    statuses = defaultdict(lambda: defaultdict(int))
    lock = threading.Lock()

    def record(step, status, seconds):
        with lock:
            timings[step].append(seconds)
            statuses[step][status] += 1

    deadline = time.monotonic() + args.duration
    journeys = [0]

    def run(n):
        rng = random.Random(n)
        person = Person(args.base, args.accounts.format(n=n), args.password)
        person.think, person.rng = args.think, rng
        time.sleep(rng.random() * 2)  # ramp up over two seconds
        while time.monotonic() < deadline:
            journey(person, record, rng, signed_in=args.signed_in)
            with lock:
                journeys[0] += 1

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(args.users)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    everything = [t for values in timings.values() for t in values]
    server_errors = sum(c for s in statuses.values() for code, c in s.items() if code >= 500)
    other_errors = sum(
        c for s in statuses.values() for code, c in s.items() if code == 0 or 400 <= code < 500
    )
    print(
        f"\n{args.users} 人 × {elapsed:.0f} 秒（操作の間の平均 {args.think:g} 秒）:"
        f" {journeys[0]} 回の利用, {len(everything)} リクエスト"
        f" ({len(everything) / elapsed:.1f} req/s)\n"
    )
    header = (
        f"{'手順':<14}{'件数':>7}{'5xx':>6}{'4xx等':>7}{'p50 ms':>9}{'p95 ms':>9}{'最大 ms':>9}"
    )
    print(header)
    print("-" * len(header.encode("utf-8")))
    order = list(dict.fromkeys(timings))
    for step in [*order, "合計"]:
        values = everything if step == "合計" else timings[step]
        codes = (
            {code: sum(s.get(code, 0) for s in statuses.values()) for code in range(0, 600)}
            if step == "合計"
            else statuses[step]
        )
        five = sum(c for code, c in codes.items() if code >= 500)
        four = sum(c for code, c in codes.items() if code == 0 or 400 <= code < 500)
        label = step + "　" * max(0, 7 - len(step))
        print(
            f"{label}{len(values):>7}{five:>6}{four:>7}"
            f"{statistics.median(values) * 1000:>9.0f}{percentile(values, 0.95) * 1000:>9.0f}"
            f"{max(values) * 1000:>9.0f}"
        )
    p95 = percentile(everything, 0.95)
    failures = []
    if server_errors:
        failures.append(f"5xx が {server_errors} 件")
    if p95 > args.p95_limit:
        failures.append(f"p95 {p95 * 1000:.0f} ms > {args.p95_limit * 1000:.0f} ms")
    if other_errors:
        print(f"\n注意: 4xx・接続エラーが {other_errors} 件")
    print("\n" + ("不合格: " + "、".join(failures) if failures else "合格: 5xx なし、p95 ≤ 1 秒"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
