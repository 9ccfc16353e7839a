"""A real streaming replica for the router and page-cache tests (tests/replica/cluster.py).

It is started once per test session, on PostgreSQL only, and removed at the end. Locally a
machine without the PostgreSQL server binaries (or without the right to allow replication)
skips these tests with the reason; with REQUIRE_REPLICA=1 (set by .ci/run) that fails them.
"""

import os

import pytest
from django.db import connections

from tests.replica.cluster import ReplicaUnavailable, StreamingReplica


@pytest.fixture(scope="session")
def streaming_replica(django_db_setup, django_db_blocker):
    primary = connections["default"]
    if primary.vendor != "postgresql":
        pytest.skip(
            "ストリーミングレプリカのテストは PostgreSQL のときだけ行います（いまは SQLite）。"
        )
    try:
        replica = StreamingReplica.start(primary.settings_dict)
    except ReplicaUnavailable as reason:
        if os.environ.get("REQUIRE_REPLICA") == "1":
            pytest.fail(
                f"REQUIRE_REPLICA=1 ですがレプリカを起動できません: {reason}", pytrace=False
            )
        pytest.skip(f"レプリカを起動できないため省略します: {reason}")
    yield replica
    replica.stop()


@pytest.fixture
def replica(streaming_replica):
    """The ``replica`` database alias pointed at the running replica, caught up, replaying."""
    conn = connections["replica"]
    original = conn.settings_dict
    conn.close()
    conn.settings_dict = {**original, "HOST": "127.0.0.1", "PORT": streaming_replica.port}
    streaming_replica.wait_until_replayed()
    try:
        yield streaming_replica
    finally:
        streaming_replica.resume()
        conn.close()
        conn.settings_dict = original
