import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from documents import selectors, services
from documents.extraction import DocumentError, check_size
from documents.forms import DocumentImportForm


class Command(BaseCommand):
    help = (
        "Import every PDF, Word (.docx) and HTML file of a folder as draft reports, with title, date, region "
        "and category proposed from each document. Files that cannot be imported are named with the reason "
        "and skipped; importing the same files again creates nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--category", default="", help="栏目名称（报告、公报、规划），文件中识别不到时使用")
        parser.add_argument("--region", default="", help="行政区划代码或名称，文件中识别不到时使用")
        parser.add_argument("--date", default="", help="YYYY-MM-DD，文件中识别不到时使用")
        parser.add_argument("--recursive", action="store_true", help="也导入子文件夹中的文件")

    def handle(self, *args, folder: Path, recursive: bool, **options):
        if not folder.is_dir():
            raise CommandError(f"找不到文件夹：{folder}")
        defaults = self._defaults(options)
        pattern = "**/*" if recursive else "*"
        files = sorted(p for p in folder.glob(pattern) if p.is_file() and not p.name.startswith("."))
        vocabulary = selectors.vocabulary()
        imported, refused = 0, []
        started = time.perf_counter()
        with tqdm(total=len(files), unit="个文件", disable=options["verbosity"] == 0) as progress:
            for path in files:
                try:
                    check_size(path.name, path.stat().st_size)
                    services.document_import(
                        name=path.name, content=path.read_bytes(), defaults=defaults, vocabulary=vocabulary
                    )
                except DocumentError as error:
                    refused.append(f"{path.relative_to(folder)}：{error}")
                except OSError as error:
                    refused.append(f"{path.relative_to(folder)}：无法读取（{error.strerror}）")
                else:
                    imported += 1
                progress.update(1)
        seconds = time.perf_counter() - started
        for problem in refused:
            self.stderr.write(problem)
        self.stdout.write(
            self.style.SUCCESS(
                f"共 {len(files)} 个文件：导入草稿 {imported} 篇，未导入 {len(refused)} 个，用时 {seconds:.1f} 秒。"
            )
        )

    def _defaults(self, options) -> services.ImportDefaults:
        """The same checks as the admin form's, with its Chinese messages."""
        form = DocumentImportForm(
            data={"category": "", "region": options["region"], "date": options["date"]}, files={"files": []}
        )
        form.fields["files"].required = False
        category = options["category"]
        if category:
            choice = (
                form.fields["category"].queryset.filter(name=category).first()
                or form.fields["category"].queryset.filter(slug=category).first()
            )
            if choice is None:
                raise CommandError(f"未知栏目“{category}”")
            form.data["category"] = str(choice.pk)
        if not form.is_valid():
            raise CommandError("；".join(message for errors in form.errors.values() for message in errors))
        return services.ImportDefaults(
            category=form.cleaned_data["category"], region=form.cleaned_data["region"], date=form.cleaned_data["date"]
        )
