"""`manage.py lint_migrations`: refuse migrations that would lock a big table on PostgreSQL
while the portal serves (kyodo_portal/migration_lint.py; `make check` and CI run it)."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kyodo_portal.migration_lint import lint


def project_apps():
    """The apps of this repository (third-party migrations are not ours to change)."""
    root = Path(settings.BASE_DIR).resolve()
    return {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(root)
        and ".venv" not in Path(config.path).parts
    }


class Command(BaseCommand):
    help = "大きな表をロックするマイグレーションを断る（PostgreSQL での無停止のリリースのため）"

    def handle(self, **options):
        findings = lint(project_apps())
        for finding in findings:
            self.stderr.write(finding.message())
        if findings:
            raise CommandError(
                f"大きな表をロックするマイグレーションが {len(findings)} 件あります"
                "（docs/deploy.md「大きな表のマイグレーション」）。"
            )
        self.stdout.write("マイグレーションの検査: 問題なし")
