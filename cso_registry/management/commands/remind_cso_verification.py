import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from cso_registry.models import CSO
from cso_registry.services import cso_remind_verification


class Command(BaseCommand):
    help = (
        "最終確認から1年を過ぎた公開中の団体（要更新）の管理者に、内容の確認をお願いする"
        "メールを送ります。同じ期間には一度しか送りません（毎日実行してかまいません）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, help="基準日（YYYY-MM-DD、試験用）"
        )

    def handle(self, *args, today=None, **options):
        today = today or timezone.localdate()
        sent, without_admin = 0, []
        for cso in CSO.objects.needing_update(today).order_by("pk").iterator():
            if cso_remind_verification(cso=cso, today=today):
                sent += 1
            elif not cso.admins().exists():
                without_admin.append(cso)
        self.stdout.write(self.style.SUCCESS(f"確認のお願いを {sent} 団体に送りました。"))
        if without_admin:
            self.stdout.write(
                self.style.WARNING(
                    f"管理者のいない要更新の団体が {len(without_admin)} あります"
                    "（電話などで確認してください）:"
                )
            )
            for cso in without_admin:
                self.stdout.write(f"  {cso.pk} {cso.name}")
