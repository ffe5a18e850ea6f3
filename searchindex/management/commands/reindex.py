import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from reports.models import Category, Region
from reports.services import report_vectors_rebuild
from reports.vector_pool import VectorPool, default_workers
from searchindex import services
from searchindex.selectors import Batch, Selection, reindex_batches


def rebuild_batch(batch: Batch) -> tuple[Batch, int]:
    """In a worker process: rebuild one batch in its own transaction; returns it and how many changed."""
    return batch, report_vectors_rebuild(report_ids=batch.report_ids)


class Command(BaseCommand):
    help = (
        "Rebuild the search vectors of all reports, or of a year, region, category or id range, with the "
        "current tokeniser and dictionary (run it after upgrading them). Works in short batches, one year "
        "of the index at a time, while the site keeps serving; an interrupted run resumes where it stopped "
        "when the same command is run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="only reports dated in this year")
        parser.add_argument("--region", help="only reports in this region (GB/T 2260 code), anywhere inside it")
        parser.add_argument("--category", help="only reports of this category (slug)")
        parser.add_argument("--from-id", type=int, help="only reports with this id or above")
        parser.add_argument("--to-id", type=int, help="only reports with this id or below")
        parser.add_argument("--batch", type=int, default=1_000, help="reports per transaction (default 1,000)")
        parser.add_argument(
            "--workers", type=int, default=default_workers(), help="tokenising processes (default: one per core)"
        )
        parser.add_argument("--restart", action="store_true", help="start over instead of resuming")

    def handle(self, *args, batch, workers, restart, **options):
        if batch < 1 or workers < 1:
            raise CommandError("--batch 和 --workers 至少为 1。")
        selection = self._selection(options)
        run, resumed = services.reindex_run_start(selection=selection.describe(), restart=restart)
        remaining, batches = reindex_batches(run, selection, size=batch)
        services.reindex_run_set_total(run=run, remaining=remaining)
        if resumed:
            self.stdout.write(
                f"继续上次中断的重建（{selection.describe()}）：已完成 {run.done:,} 篇，还剩 {remaining:,} 篇。"
            )
        started, rebuilt, changed = time.monotonic(), 0, 0
        with (
            VectorPool(workers) as pool,  # before tqdm: a fork must not copy its monitor thread
            tqdm(total=remaining, unit="篇", disable=options["verbosity"] == 0) as progress,
        ):
            # In batch order: once a batch is back, every batch before it is done too.
            for done, batch_changed in pool.run(rebuild_batch, batches):
                services.reindex_run_checkpoint(
                    run=run,
                    partition=done.partition,
                    last_id=done.report_ids[-1],
                    done=len(done.report_ids),
                    changed=batch_changed,
                )
                rebuilt, changed = rebuilt + len(done.report_ids), changed + batch_changed
                progress.update(len(done.report_ids))
        services.reindex_run_finish(run=run)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"重建了 {rebuilt:,} 篇报告的索引，其中 {changed:,} 篇有变化；"
                f"用时 {elapsed:.1f} 秒（{rebuilt / max(elapsed, 1e-9):,.0f} reports/s）。"
            )
        )

    @staticmethod
    def _selection(options) -> Selection:
        region = category = None
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"找不到行政区划代码为 {options['region']} 的地区。")
        if options["category"]:
            category = Category.objects.filter(slug=options["category"]).first()
            if category is None:
                raise CommandError(f"找不到别名为 {options['category']} 的栏目。")
        return Selection(
            year=options["year"],
            region=region,
            category=category,
            from_id=options["from_id"],
            to_id=options["to_id"],
        )
