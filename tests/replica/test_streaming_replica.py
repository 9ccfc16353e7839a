"""The router and the page cache against a real streaming replica (issue 17).

The replica's replay is paused, so it lags behind the primary for as long as a test needs: a
person who just wrote reads the primary (the pin), others read the replica's older state, and a
page rendered from that older state is never kept under the primary's newer version. Resumed,
the replica catches up and the figures (lag, catch-up time) are printed (``pytest -s``).
"""

import statistics
import time

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from kyodo_portal.db_router import PIN_COOKIE
from kyodo_portal.page_cache import current_version, page_key
from tests.factories import CSOFactory, UserFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


def in_recovery(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def stored_version(url):
    """The version the page cache keeps the anonymous page at ``url`` under (None: not kept)."""
    with translation.override("ja"):
        entry = cache.get(page_key(RequestFactory().get(url)))
    return entry and entry.version


def test_a_person_reads_their_write_from_the_primary_while_the_replica_lags(
    client, replica, settings
):
    settings.DATABASE_REPLICA_PIN_SECONDS = 5
    person = UserFactory(full_name="佐賀 花子")
    client.force_login(person)
    replica.wait_until_replayed()
    assert in_recovery("replica") and not in_recovery("default")
    replica.pause()

    answer = client.post(reverse("accounts:change_name"), {"name-full_name": "山田 花子"})
    assert answer.status_code == 302
    assert PIN_COOKIE in answer.cookies

    # Pinned: the page after the form reads the primary.
    assert 'value="山田 花子"' in client.get(reverse("accounts:settings")).text
    # Without the pin (a lag longer than it) the same page reads the replica, which lags.
    del client.cookies[PIN_COOKIE]
    assert 'value="佐賀 花子"' in client.get(reverse("accounts:settings")).text

    replica.resume()
    replica.wait_until_replayed()
    assert 'value="山田 花子"' in client.get(reverse("accounts:settings")).text


def test_a_page_from_a_lagging_replica_is_never_kept_under_the_primarys_new_version(replica):
    url = reverse("cso_registry:list")
    reader = Client()
    CSOFactory(name="佐賀みらい会")
    replica.wait_until_replayed()
    assert "佐賀みらい会" in reader.get(url).text
    replica.pause()

    CSOFactory(name="新しく公開された会")  # committed: the version moves on, on the primary
    old, new = current_version(using="replica"), current_version(using="default")
    assert new > old

    # A reader gets the replica's page, kept (if at all) under the replica's version.
    during = reader.get(url)
    assert "新しく公開された会" not in during.text
    assert stored_version(url) == old
    # Someone pinned after a write reads the primary, and its page goes under the new version.
    pinned = Client()
    pinned.cookies[PIN_COOKIE] = str(time.time() + 3)
    assert "新しく公開された会" in pinned.get(url).text
    assert stored_version(url) == new
    # Readers of the lagging replica do not take that page for theirs, nor file theirs as new.
    assert "新しく公開された会" not in reader.get(url).text
    assert stored_version(url) == old

    replica.resume()
    replica.wait_until_replayed()
    after = reader.get(url)
    assert "新しく公開された会" in after.text
    assert "X-Page-Cache" not in after  # rendered again, not the lagging page
    assert stored_version(url) == new


def test_replication_lag_and_catch_up_are_within_the_pin(replica, settings):
    """Figures: how far the replica lags behind a commit, how fast it catches up after a pause;
    the default pin (5 s) covers both with room to spare."""
    pin = settings.DATABASE_REPLICA_PIN_SECONDS
    lags = []
    for _ in range(50):
        CSOFactory()
        lags.append(replica.wait_until_replayed())
    lags.sort()

    replica.pause()
    paused_at = time.monotonic()
    for _ in range(300):
        CSOFactory()
    target = replica.primary_lsn()
    replay_lsn = replica.execute("SELECT pg_last_wal_replay_lsn()::text")[0]
    behind = replica.execute("SELECT pg_wal_lsn_diff(%s, %s)", [target, replay_lsn])[0]
    held = time.monotonic() - paused_at
    resumed_at = time.monotonic()
    replica.resume()
    replica.wait_until_replayed(target)
    catch_up = time.monotonic() - resumed_at

    figures = {
        "base backup": f"{replica.figures['base_backup_seconds']:.1f} s, "
        f"{replica.figures['base_backup_megabytes']:.0f} MB",
        "lag after a commit (50 commits)": f"median {statistics.median(lags) * 1000:.1f} ms, "
        f"p95 {lags[int(len(lags) * 0.95) - 1] * 1000:.1f} ms, max {lags[-1] * 1000:.1f} ms",
        "paused while 300 CSOs were saved": f"{held:.1f} s, {int(behind) / 1024:.0f} KiB of WAL behind",
        "catch-up after resume": f"{catch_up * 1000:.1f} ms",
        "pin": f"{pin} s",
    }
    print("\nストリーミングレプリカ:", *(f"  {k}: {v}" for k, v in figures.items()), sep="\n")
    assert lags[-1] < pin
    assert catch_up < pin
