"""Copy every private file (the "private" storage: PRIVATE_MEDIA_ROOT, or the private/ prefix of
the bucket) into a .tar.gz, or put such an archive back. Used by `make backup` / `make restore`
(tools/backup.sh); the archive holds the files by their stored names, the same whether they came
from a folder or a bucket, so a backup of one can be restored into the other."""

import tarfile
from pathlib import PurePosixPath

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from kyodo_portal.uploads import private_storage


def stored_names(storage, folder=""):
    directories, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for directory in sorted(directories):
        yield from stored_names(storage, f"{folder}/{directory}" if folder else directory)


def safe_name(member):
    name = PurePosixPath(member.name)
    parts = [part for part in name.parts if part not in ("", ".")]
    if name.is_absolute() or ".." in parts or not parts:
        raise CommandError(f"アーカイブに扱えない名前があります: {member.name}")
    return "/".join(parts)


class Command(BaseCommand):
    help = "非公開のファイル（添付ファイル）を .tar.gz に保存する、または書き戻す"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["backup", "restore"])
        parser.add_argument("archive")

    def handle(self, *, action, archive, **options):
        storage = private_storage()
        if action == "backup":
            count = self.backup(storage, archive)
        else:
            count = self.restore(storage, archive)
        self.stdout.write(f"{count} 件")

    def backup(self, storage, archive):
        count = 0
        with tarfile.open(archive, "w:gz") as tar:
            for name in stored_names(storage):
                with storage.open(name, "rb") as file:
                    info = tarfile.TarInfo(name)
                    info.size = storage.size(name)
                    info.mtime = storage.get_modified_time(name).timestamp()
                    info.mode = 0o600
                    tar.addfile(info, file)
                count += 1
        return count

    def restore(self, storage, archive):
        count = 0
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                name = safe_name(member)
                if storage.exists(name):
                    storage.delete(name)
                saved = storage.save(name, File(tar.extractfile(member), name=name))
                if saved != name:
                    raise CommandError(f"{name} を同じ名前で書き戻せませんでした ({saved})。")
                count += 1
        return count
