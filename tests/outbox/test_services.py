import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from outbox import services
from outbox.models import EmailStatus, OutgoingEmail
from tests.mailworker import deliver_queued_mail, let_the_backoff_pass

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def queue(**overrides) -> OutgoingEmail:
    return services.email_queue(**{"to": "claimant@example.com", "subject": "主题", "body": "正文", **overrides})


def test_a_queued_message_is_sent_by_the_worker_not_by_the_caller():
    email = queue()
    assert mail.outbox == []
    assert deliver_queued_mail() == 1
    (message,) = mail.outbox
    assert message.to == ["claimant@example.com"] and message.subject == "主题" and message.body == "正文"
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.attempts == 1 and email.sent_at is not None
    assert deliver_queued_mail() == 0 and len(mail.outbox) == 1


def test_a_message_rolled_back_with_its_change_is_never_sent():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the change fails after the message was queued")
    assert not OutgoingEmail.objects.exists() and not DBTaskResult.objects.exists()
    assert deliver_queued_mail() == 0 and mail.outbox == []


@pytest.mark.parametrize(
    ("attempts", "delay"), [(1, MINUTE), (2, 2 * MINUTE), (3, 4 * MINUTE), (8, 128 * MINUTE), (9, 4 * 60 * MINUTE)]
)
def test_retries_wait_twice_as_long_each_time_up_to_four_hours(attempts, delay):
    assert services.retry_delay(attempts) == delay


def test_failed_deliveries_are_recorded_and_retried_with_backoff_then_given_up(settings, mail_server_down):
    settings.MAIL_MAX_ATTEMPTS = 3
    email = queue()
    for attempt, delay in [(1, MINUTE), (2, 2 * MINUTE)]:
        before = timezone.now()
        assert deliver_queued_mail() == 1
        after = timezone.now()
        email.refresh_from_db()
        assert email.status == EmailStatus.QUEUED and email.attempts == attempt
        assert "ConnectionRefusedError" in email.last_error
        assert before + delay <= email.next_attempt_at <= after + delay
        assert deliver_queued_mail() == 0  # nothing is due before the delay has passed
        assert let_the_backoff_pass() == 1

    assert deliver_queued_mail() == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED and email.attempts == 3 and email.next_attempt_at is None
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    # Each failed attempt is also a failed task result, with its traceback.
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    assert failed.count() == 3 and all("ConnectionRefusedError" in task.traceback for task in failed)


def due_ago(email: OutgoingEmail, delta: datetime.timedelta) -> None:
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - delta)


def test_a_message_whose_worker_died_is_queued_again_and_sent_once():
    email = queue()
    dead = DBTaskResult.objects.get()
    dead.claim("a-worker-killed-while-sending")  # it claimed the task, then died: the task stays running
    assert deliver_queued_mail() == 0

    due_ago(email, 5 * MINUTE)
    assert services.emails_requeue_stuck() == 0  # it might still be sending
    due_ago(email, services.STUCK_AFTER + MINUTE)
    assert services.emails_requeue_stuck() == 1
    assert deliver_queued_mail() == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and len(mail.outbox) == 1

    # Should the old task run after all, it finds itself superseded and sends nothing.
    assert services.email_deliver(email_id=email.pk, task_id=str(dead.id)) == "superseded"
    assert len(mail.outbox) == 1


def test_a_message_waiting_for_a_stopped_worker_is_not_queued_twice():
    due_ago(queue(), datetime.timedelta(days=1))
    assert services.emails_requeue_stuck() == 0
    assert DBTaskResult.objects.count() == 1
    assert deliver_queued_mail() == 1 and len(mail.outbox) == 1


def test_housekeeping_queues_stuck_mail_again_and_prunes_old_task_results(capsys):
    old = queue(subject="两周前已发送")
    deliver_queued_mail()
    DBTaskResult.objects.update(finished_at=timezone.now() - datetime.timedelta(days=15))
    stuck = queue(subject="发送时工作进程被杀")
    DBTaskResult.objects.get(status=TaskResultStatus.READY).claim("a-worker-killed-while-sending")
    due_ago(stuck, services.STUCK_AFTER + MINUTE)

    call_command("housekeeping")
    assert "outbox: 1 message(s)" in capsys.readouterr().out
    assert deliver_queued_mail() == 1
    assert [m.subject for m in mail.outbox] == ["两周前已发送", "发送时工作进程被杀"]
    # The old task result is gone; the message itself is kept.
    assert OutgoingEmail.objects.filter(pk=old.pk, status=EmailStatus.SENT).exists()
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1
