from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

# What each task does, for people; a task not listed here shows its dotted path.
TASK_NAMES = {
    "outbox.tasks.deliver_email": "发送邮件",
    "reports.tasks.publish_due_reports": "定时发布报告",
}


class TaskRecord(DBTaskResult):
    """django-tasks-db's task results, shown in admin in Chinese (its own admin is English)."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-enqueued_at"]

    def __str__(self) -> str:
        return f"{self.task_label}（{TaskResultStatus(self.status).label}）"

    @property
    def task_label(self) -> str:
        return TASK_NAMES.get(self.task_path, self.task_path)
