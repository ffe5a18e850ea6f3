from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from reports.importing import count_rows, import_reports
from reports.vector_pool import default_workers
from revisions.context import recorded_as_command


class Command(BaseCommand):
    help = (
        "Import reports from a JSON Lines (.jsonl) or CSV file with columns title, region (code or unique "
        "name), category (slug or name), date (YYYY-MM-DD), body, and optional source_name, source_url, "
        "status. Bad rows are reported and skipped; re-importing creates no duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--workers", type=int, default=default_workers(), help="tokenising processes (default: one per core)"
        )

    def handle(self, *args, path: Path, workers: int, **options):
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            total = count_rows(path)
            with (
                tqdm(total=total, unit="行", disable=options["verbosity"] == 0) as progress,
                recorded_as_command("import_reports"),
            ):
                result = import_reports(path, progress=progress, workers=workers)
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(str(error)) from None
        for line, problem in result.errors:
            self.stderr.write(f"第 {line} 行：{problem}")
        self.stdout.write(
            self.style.SUCCESS(
                f"导入 {result.created} 篇，已存在跳过 {result.duplicates} 篇，出错 {len(result.errors)} 行。"
            )
        )
