import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from cso_registry.services import remind_due_verifications


class Command(BaseCommand):
    help = (
        "最終確認から1年を過ぎた公開中の団体（要更新）の管理者に、内容の確認をお願いする"
        "メールを送ります。同じ期間には一度しか送りません（毎日実行してかまいません。"
        "スケジューラーが毎朝実行します）。送れなかったメールは後で送り直し、送れた団体だけを"
        "「確認のお願い済み」にします。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, help="基準日（YYYY-MM-DD、試験用）"
        )

    def handle(self, *args, today=None, **options):
        today = today or timezone.localdate()
        queued, without_admin = remind_due_verifications(today)
        self.stdout.write(
            self.style.SUCCESS(
                f"確認のお願いを {queued} 団体に送ります"
                "（送信の結果は管理画面の「送信メール」で確かめられます）。"
            )
        )
        if without_admin:
            self.stdout.write(
                self.style.WARNING(
                    f"管理者のいない要更新の団体が {len(without_admin)} あります"
                    "（電話などで確認してください）:"
                )
            )
            for cso in without_admin:
                self.stdout.write(f"  {cso.pk} {cso.name}")
