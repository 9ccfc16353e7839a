"""Work done once rather than per request: cached templates and persistent connections."""

import subprocess
import sys

from django.conf import settings
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader


def test_templates_are_compiled_once_per_process_by_the_cached_loader():
    engine = engines["django"].engine

    assert [type(loader) for loader in engine.template_loaders] == [CachedLoader]


def test_database_connections_persist_between_requests_by_default():
    code = (
        "import os; os.environ.update(SECRET_KEY='x', DATABASE_URL='postgres://u@h:5432/d');"
        "os.environ.pop('DEBUG', None); os.environ.pop('CONN_MAX_AGE', None);"
        "from kyodo_portal import settings as s; d = s.DATABASES['default'];"
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )

    assert result.stdout.split() == ["60", "True", "False"]
