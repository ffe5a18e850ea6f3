"""The mail worker in tests that run inside a transaction (the usual `db` tests): the ready tasks
are claimed and run one by one with the worker's own `run_task`, in this process, so what they send
lands in `django.core.mail.outbox`. `db_worker` itself cannot run there, since it closes the
connection between tasks, which would end the test's transaction; the fault tests run the real
command as a separate process (tests/takedowns/test_mail_server_down.py)."""

from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def deliver_queued_mail() -> int:
    """Run every task that is due now; returns how many ran."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with transaction.atomic():
            task = DBTaskResult.objects.ready().get_locked()
            if task is None:
                return ran
            task.claim(worker.worker_id)
        worker.run_task(task)
        ran += 1


def let_the_backoff_pass() -> int:
    """As if the retry delays had passed: every scheduled delivery becomes due now."""
    now = timezone.now()
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__gt=now).update(run_after=now)
