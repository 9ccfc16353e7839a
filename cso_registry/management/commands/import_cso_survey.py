from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cso_registry.survey_import import import_survey
from kyodo_portal.access import trust_command_line_user
from kyodo_portal.models import User
from kyodo_portal.spreadsheets import SpreadsheetFileError


class Command(BaseCommand):
    help = (
        "実態調査のファイル（CSV または .xlsx）を取り込みます。誤りのある行が一つでもあれば"
        "何も取り込まず、行ごとの誤りを表示します。法人番号、または団体名と所在地の市町で"
        "登録済みの団体と照合します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV（UTF-8 / Shift_JIS）または Excel（.xlsx）のファイル")
        parser.add_argument(
            "--dry-run", action="store_true", help="確認だけして、何も書き込みません。"
        )
        parser.add_argument(
            "--by", metavar="EMAIL", help="履歴に残す操作者（県職員のメールアドレス）。"
        )
        parser.add_argument("--no-progress", action="store_true", help="進み具合を表示しません。")

    def handle(self, *args, file, dry_run, by, no_progress, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"ファイルが見つかりません: {file}")
        actor = None
        if by:
            actor = User.objects.filter(email__iexact=by, is_staff=True).first()
            if actor is None:
                raise CommandError(f"県職員のアカウントが見つかりません: {by}")
            trust_command_line_user(actor)

        def progress(rows, label):
            return tqdm(
                rows, desc=str(label), unit="行", file=self.stderr, disable=no_progress or None
            )

        try:
            result = import_survey(
                path.read_bytes(), path.name, by=actor, dry_run=dry_run, progress=progress
            )
        except SpreadsheetFileError as error:
            raise CommandError(str(error)) from error
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(result.errors)} 行に誤りがあります。何も取り込んでいません"
                f"（全 {result.total} 行）。"
            )
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    f"確認しました（書き込んでいません）: {result.total} 行、"
                    f"新規 {result.created} 団体、既存と一致 {result.updated} 団体。"
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"取り込みました: {result.total} 行、新規 {result.created} 団体、"
                    f"更新 {result.updated} 団体、変更なし {result.unchanged} 団体。"
                )
            )
