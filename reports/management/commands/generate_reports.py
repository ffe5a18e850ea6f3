import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from portal.db import session_settings
from reports import demo, indexing, services
from reports.models import SEARCH_PARTITIONS, Category, Report, ReportStatus
from reports.vector_pool import VectorPool, default_workers
from revisions.services import history_not_recorded

COLUMNS = [
    "title",
    "region_id",
    "category_id",
    "date",
    "body",
    "source_name",
    "source_url",
    "status",
    "is_restricted",
    "published_at",
    "updated_at",
    "views",
    "big_region_id",
    "province_id",
    "prefecture_id",
    "search_vector",
]

# Keeping a GIN index current row by row costs more than building it once, for big loads.
DEFER_SEARCH_INDEX_FROM = 100_000


@contextmanager
def search_index_deferred(*, enabled: bool, stdout) -> Iterator[None]:
    """Drop the full-text indexes for the duration of a bulk load, then build each in one pass."""
    names = {partition.name for partition in SEARCH_PARTITIONS}
    indexes = [index for index in Report._meta.indexes if index.name in names]
    if enabled:
        with connection.schema_editor() as editor:
            for index in indexes:
                editor.remove_index(Report, index)
    try:
        yield
    finally:
        if enabled:
            stdout.write("Building the full-text index …")
            with connection.schema_editor() as editor, session_settings(maintenance_work_mem="1GB"):
                for index in indexes:
                    editor.add_index(Report, index)


# What a worker needs besides the batch, set by the parent before the pool forks.
_shared: dict = {}

Document = tuple  # (title, region_id, category_id, date, body, source_name, big_region_id, province_id, prefecture_id)


def document_rows(documents: list[Document], *, places: dict[int, list[str]], now: str) -> Iterator[tuple]:
    """The COPY rows of documents, each tokenised (reports.indexing) with its places' names."""
    for title, region_id, category_id, date, body, source_name, big_region_id, province_id, prefecture_id in documents:
        yield (
            title,
            region_id,
            category_id,
            date,
            body,
            source_name,
            "",
            ReportStatus.PUBLISHED.value,
            False,
            now,
            now,
            0,
            big_region_id,
            province_id,
            prefecture_id,
            # COPY takes the tsvector as text; the tokens of repeated runs are memoised in reports.indexing.
            indexing.document_vector(title=title, places=places[region_id], body=body),
        )


def copy_batch(documents: list[Document]) -> int:
    """Tokenise a batch and COPY it in, in a worker process (or in the caller, with one worker)."""
    rows = document_rows(documents, places=_shared["places"], now=_shared["now"])
    # Synthetic data has no history: a history row per report would double the load.
    with transaction.atomic(), history_not_recorded(), connection.cursor() as cursor:
        cursor.copy_expert(f"COPY reports_report ({', '.join(COLUMNS)}) FROM STDIN", demo.copy_rows(rows))
    return len(documents)


class Command(BaseCommand):
    help = "Create N realistic synthetic published reports (bulk COPY, tokenised by a pool of processes)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--batch", type=int, default=2_000, help="reports per COPY (one transaction each)")
        parser.add_argument("--seed", type=int, default=None, help="random seed, for repeatable data")
        parser.add_argument(
            "--workers", type=int, default=default_workers(), help="tokenising processes (default: one per core)"
        )

    def handle(self, *args, count, batch, seed, workers, **options):
        if count < 1:
            raise CommandError("--count must be at least 1")
        regions = demo.region_choices()
        categories = list(Category.objects.all())
        if not regions or not categories:
            raise CommandError("No regions or categories: run `manage.py load_regions` first.")
        generator = demo.SyntheticReports(regions=regions, categories=categories, seed=seed)
        generator.used = demo.existing_documents()
        _shared.update(places=services.place_names_by_region(), now=timezone.now().isoformat())
        started = time.monotonic()
        batches = (
            [self._document(generator) for _ in range(min(batch, count - made))] for made in range(0, count, batch)
        )
        with (
            search_index_deferred(enabled=count >= DEFER_SEARCH_INDEX_FROM, stdout=self.stdout),
            VectorPool(workers) as pool,  # before tqdm: a fork must not copy its monitor thread
            tqdm(total=count, unit="篇", disable=options["verbosity"] == 0) as progress,
        ):
            for copied in pool.run(copy_batch, batches):
                progress.update(copied)
        elapsed = time.monotonic() - started
        self.stdout.write("Recounting lists …")
        services.tally_rebuild()
        with connection.cursor() as cursor:
            # VACUUM sets the visibility map so list pages get index-only scans; it cannot run
            # inside a transaction (as in tests), where fresh statistics are all we can have.
            cursor.execute("ANALYZE reports_report" if connection.in_atomic_block else "VACUUM ANALYZE reports_report")
        self.stdout.write(
            self.style.SUCCESS(f"{count:,} reports in {elapsed:.1f} s ({count / elapsed:,.0f} reports/s).")
        )

    @staticmethod
    def _document(generator: demo.SyntheticReports) -> Document:
        region, category, date, title = generator.document()
        body = generator.body(region)
        return (
            title,
            region.pk,
            category.pk,
            date.isoformat(),
            body,
            f"{region.name}人民政府",
            region.big_region_id,
            region.province_id,
            region.prefecture_id,
        )
