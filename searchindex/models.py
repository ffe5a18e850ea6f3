from django.db import models
from django.db.models import Q
from django.utils import timezone


class ReindexStatus(models.TextChoices):
    RUNNING = "running", "进行中"
    FINISHED = "finished", "已完成"


class ReindexRunQuerySet(models.QuerySet):
    def running(self):
        return self.filter(status=ReindexStatus.RUNNING)


class ReindexRun(models.Model):
    """One `manage.py reindex` over a selection of reports, and its checkpoint.

    Reports are rebuilt one year partition of the index at a time (reports.models.SEARCH_PARTITIONS,
    newest first) and by id within it; the checkpoint says that every partition before
    `partition` and every report up to `last_id` in it are done. A run that was interrupted stays
    running, and the next run over the same selection carries on from there.
    """

    selection = models.CharField("范围", max_length=200)
    status = models.CharField("状态", max_length=16, choices=ReindexStatus.choices, default=ReindexStatus.RUNNING)
    partition = models.PositiveSmallIntegerField("当前年份分区", default=0)
    last_id = models.BigIntegerField("已完成到编号", default=0)
    total = models.PositiveIntegerField("报告数", default=0)
    done = models.PositiveIntegerField("已完成", default=0)
    changed = models.PositiveIntegerField("索引有变化", default=0)
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ReindexRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = verbose_name_plural = "索引重建"
        constraints = [
            models.UniqueConstraint(
                fields=["selection"],
                condition=Q(status=ReindexStatus.RUNNING),
                name="reindex_run_one_running_per_selection",
            ),
            models.CheckConstraint(name="reindex_run_status_valid", condition=Q(status__in=ReindexStatus.values)),
        ]
        indexes = [models.Index(fields=["status"], name="reindex_run_status_idx")]

    def __str__(self) -> str:
        return f"{self.selection}: {self.done}/{self.total}"
