from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts import retention


class Command(BaseCommand):
    help = (
        "保存期間を過ぎた個人情報を削除・匿名化します（毎日実行してください）。期間は設定 "
        "RETENTION_*_DAYS で決まります。--dry-run では件数を表示するだけで、何も変えません。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="削除・匿名化する件数を表示するだけにする"
        )

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
        if dry_run:
            self.stdout.write(
                f"保存期間を過ぎた個人情報（{stamp} 現在。確認だけで、何も変えていません）"
            )
        else:
            self.stdout.write(f"保存期間を過ぎた個人情報を整理しました（{stamp}）")
        total = 0
        for rule, count in retention.purge(now=now, dry_run=dry_run):
            total += count
            verb = f"{rule.action}する" if dry_run else f"{rule.action}した"
            self.stdout.write(f"  {rule.label}【{rule.period_display()}】 {verb}もの {count} 件")
        self.stdout.write(self.style.SUCCESS(f"合計 {total} 件"))
