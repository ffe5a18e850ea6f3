"""The reindex run's bookkeeping: start or resume, checkpoint, finish."""

from django.db import transaction
from django.utils import timezone

from .models import ReindexRun, ReindexStatus


@transaction.atomic
def reindex_run_start(*, selection: str, restart: bool = False) -> tuple[ReindexRun, bool]:
    """The running run over this selection (resumed), or a new one; returns (run, resumed).
    With restart=True an unfinished run is closed and a new one starts from the beginning."""
    unfinished = ReindexRun.objects.running().select_for_update().filter(selection=selection).first()
    if unfinished is not None and not restart:
        return unfinished, True
    if unfinished is not None:
        reindex_run_finish(run=unfinished)
    return ReindexRun.objects.create(selection=selection), False


def reindex_run_checkpoint(*, run: ReindexRun, partition: int, last_id: int, done: int, changed: int) -> None:
    """Every report before this point is rebuilt (the batch's own transaction has committed)."""
    run.partition, run.last_id, run.updated_at = partition, last_id, timezone.now()
    run.done += done
    run.changed += changed
    run.save(update_fields=["partition", "last_id", "done", "changed", "updated_at"])


def reindex_run_set_total(*, run: ReindexRun, remaining: int) -> None:
    run.total = run.done + remaining
    run.save(update_fields=["total"])


def reindex_run_finish(*, run: ReindexRun) -> None:
    run.status, run.finished_at = ReindexStatus.FINISHED, timezone.now()
    run.save(update_fields=["status", "finished_at"])
