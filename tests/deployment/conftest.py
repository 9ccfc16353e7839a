import uuid

import pytest

from tests.deployment.servers import create_bucket, moto_s3_server, redis_server
from tests.proposals.conftest import (  # noqa: F401  (a member's draft, as in tests/proposals)
    cso,
    cso_member,
    draft,
    other_cso_member,
    pdf_file,
    private_media,
)


@pytest.fixture(scope="session")
def s3_endpoint():
    with moto_s3_server() as endpoint:
        yield endpoint


@pytest.fixture
def bucket(s3_endpoint):
    """A new empty bucket on moto's S3 server; yields (name, boto3 client)."""
    name = f"kyodo-{uuid.uuid4().hex[:12]}"
    client = create_bucket(s3_endpoint, name)
    return name, client


@pytest.fixture(scope="session")
def redis_url():
    with redis_server() as url:
        yield url


def s3_storages(settings, endpoint, bucket_name, **overrides):
    """STORAGES of kyodo_portal/settings.py for that bucket, as S3_* variables would set them."""
    from kyodo_portal import settings as project

    options = {
        **project._s3("private"),
        "bucket_name": bucket_name,
        "endpoint_url": endpoint,
        "addressing_style": "path",
        "access_key": "test-key",
        "secret_key": "test-secret",
        **overrides,
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "location": "media"},
        },
        "private": {"BACKEND": "kyodo_portal.object_storage.PrivateS3Storage", "OPTIONS": options},
    }
