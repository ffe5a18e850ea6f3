import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from portal import backups


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup`: verify its checksums, replace the configured database "
        "(pg_restore --clean --if-exists --no-owner, one transaction) and the private uploads. "
        "Everything written since the backup is lost, so it asks first; --yes skips the question."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="a backup directory, or its name under DJANGO_BACKUP_DIR")
        parser.add_argument("--yes", action="store_true", help="do not ask: replace the data without confirmation")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias (default: default)")

    def handle(self, *args, **options):
        try:
            path = backups.backup_resolve(options["backup"])
            backups.backup_verify(path)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        name = connections[options["database"]].settings_dict["NAME"]
        if not options["yes"]:
            self._confirm(name, path)
        try:
            warnings = backups.backup_restore(path=path, using=options["database"])
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        for warning in warnings:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(self.style.SUCCESS(f"restored {path} into database {name} and the private uploads"))

    def _confirm(self, name: str, path) -> None:
        if not sys.stdin.isatty():
            raise CommandError(
                f"恢复会用备份 {path.name} 覆盖数据库 {name} 和上传文件，备份之后写入的内容都会丢失。"
                "确认无误后加 --yes 再运行。"
            )
        answer = input(f"恢复会覆盖数据库 {name} 和上传文件，备份之后的内容都会丢失。输入数据库名 {name} 以确认：")
        if answer.strip() != name:
            raise CommandError("未确认，什么都没有改动。")
