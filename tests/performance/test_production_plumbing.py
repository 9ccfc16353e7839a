"""Work done once rather than per request: cached templates and persistent connections."""

import subprocess
import sys

from django.conf import settings
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader


def test_templates_are_read_and_compiled_once_per_process(monkeypatch):
    """The second time a page's templates are needed, no file is read again."""
    from django.template.loaders.filesystem import Loader as FilesystemLoader

    engine = engines["django"].engine
    for loader in engine.template_loaders:
        if isinstance(loader, CachedLoader):
            loader.reset()
    reads = []
    real = FilesystemLoader.get_contents
    monkeypatch.setattr(
        FilesystemLoader,
        "get_contents",
        lambda self, origin: reads.append(origin.name) or real(self, origin),
    )

    engine.get_template("outreach/guideline.html")
    first = len(reads)
    engine.get_template("outreach/guideline.html")

    assert first > 0
    assert len(reads) == first


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
