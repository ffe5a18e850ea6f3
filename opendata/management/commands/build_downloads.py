from django.core.management.base import BaseCommand

from opendata import services


class Command(BaseCommand):
    help = (
        "Write the bulk downloads of /data/ (one reports-<year>.jsonl.gz per document year and manifest.json) "
        "into DJANGO_OPENDATA_ROOT, for the years whose published reports changed since the last run "
        "(housekeeping runs it hourly)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="rebuild every year's file")

    def handle(self, *args, force=False, **options):
        summary = services.downloads_build(force=force)
        self.stdout.write(
            f"downloads: {len(summary.built)} year file(s) written, {len(summary.kept)} unchanged, "
            f"{len(summary.removed)} removed"
        )
