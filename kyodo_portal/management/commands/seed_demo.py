from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kyodo_portal.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "デモデータを投入します (何度実行しても同じ結果になります)。"
        "各アプリの demo.seed() を INSTALLED_APPS の順に呼びます"
        "(アプリの demo_modules があればその順に)。"
        "DEBUG が無効のときは実行できません。"
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "DEBUG が無効のため seed_demo を中止しました。"
                "デモデータは本番環境に入れられません。"
            )
        logins = []
        with transaction.atomic():
            for app_config in apps.get_app_configs():
                default = [f"{app_config.name}.demo"]
                for module_name in getattr(app_config, "demo_modules", default):
                    if find_spec(module_name) is None:
                        continue
                    logins += import_module(module_name).seed() or []
        self.stdout.write(self.style.SUCCESS("デモデータを用意しました。"))
        self.stdout.write(f"デモ用ログイン (パスワードはすべて {DEMO_PASSWORD}):")
        for role, email in logins:
            self.stdout.write(f"  {role:<12} {email}")
