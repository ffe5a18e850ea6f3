from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from portal import backups


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, custom format) and the private uploads (PRIVATE_MEDIA_ROOT) into a "
        "new directory under DJANGO_BACKUP_DIR with their SHA256SUMS, then keep only the newest "
        "DJANGO_BACKUP_KEEP backups. Run it daily from cron or a systemd timer; restore with `restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias (default: default)")

    def handle(self, *args, **options):
        before = set(backups.backups_list())
        try:
            path = backups.backup_create(using=options["database"])
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        removed = before - set(backups.backups_list())
        self.stdout.write(self.style.SUCCESS(f"backup written: {path}"))
        if removed:
            names = ", ".join(sorted(removed_path.name for removed_path in removed))
            self.stdout.write(f"retention (DJANGO_BACKUP_KEEP={settings.BACKUP_KEEP}): removed {names}")
