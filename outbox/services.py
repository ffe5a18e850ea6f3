"""Writes of the outbox: queue a message with the change it reports, deliver it once, retry with
backoff, and send a failed one again. Delivery runs in the worker (`manage.py db_worker`), never in
a request."""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone

from . import tasks
from .models import EmailStatus, OutgoingEmail

RESEND_PERMISSION = "outbox.resend_outgoingemail"
# A delivery still unfinished this long after it was due died with its worker (killed while talking
# to the mail server: the task stays "running" and the message "queued"). Well above the SMTP timeout.
STUCK_AFTER = datetime.timedelta(minutes=15)


class DeliveryFailed(Exception):
    """Raised by the delivery task once the failure is recorded, so that the task result shows it too."""


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long after its `attempts`-th failed delivery a message is tried again."""
    seconds = settings.MAIL_RETRY_SECONDS * 2 ** (attempts - 1)
    return datetime.timedelta(seconds=min(seconds, settings.MAIL_RETRY_MAX_SECONDS))


def _schedule(*, email: OutgoingEmail, at: datetime.datetime) -> None:
    """Enqueue a delivery task (a row written in the current transaction) and make it the only one
    allowed to send the message."""
    result = tasks.deliver_email.using(run_after=at).enqueue(email_id=email.pk)
    email.task_id = result.id
    email.next_attempt_at = at


@transaction.atomic
def email_queue(*, to: str, subject: str, body: str, now: datetime.datetime | None = None) -> OutgoingEmail:
    """Queue a message for the worker. Called inside the transaction of the change the message
    reports, it is saved with that change or not at all, and the request never waits for (or fails
    with) the mail server."""
    now = now or timezone.now()
    email = OutgoingEmail(to=to, subject=subject, body=body, created_at=now, next_attempt_at=now)
    email.full_clean()
    email.save(force_insert=True)
    _schedule(email=email, at=now)
    email.save(update_fields=["task_id", "next_attempt_at"])
    return email


def email_deliver(*, email_id: int, task_id: str, now: datetime.datetime | None = None) -> str:
    """Send a queued message once. A failure is recorded and the next attempt scheduled after a
    growing delay (or, past MAIL_MAX_ATTEMPTS, the message is marked failed), then DeliveryFailed is
    raised. The row stays locked while the server is talked to, so two workers cannot both send it."""
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != EmailStatus.QUEUED or email.task_id != task_id:
            return "superseded"
        now = now or timezone.now()
        email.attempts += 1
        try:
            EmailMessage(email.subject, email.body, None, [email.to]).send()
        except Exception as error:
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if email.attempts >= settings.MAIL_MAX_ATTEMPTS:
                email.status = EmailStatus.FAILED
                email.next_attempt_at = None
                email.task_id = ""
            else:
                _schedule(email=email, at=now + retry_delay(email.attempts))
            failure = error
        else:
            email.status = EmailStatus.SENT
            email.sent_at = now
            email.next_attempt_at = None
            email.task_id = ""
            failure = None
        email.full_clean()
        email.save()
    if failure is not None:
        raise DeliveryFailed(f"{email.to}: {email.last_error}") from failure
    return "sent"


@transaction.atomic
def emails_resend(
    *, emails: QuerySet[OutgoingEmail], actor: AbstractBaseUser, now: datetime.datetime | None = None
) -> int:
    """A site owner sends failed messages again (after the mail server is fixed): each gets a fresh
    series of attempts, starting now. Messages already sent or still queued are left alone."""
    if not actor.has_perm(RESEND_PERMISSION):
        raise PermissionDenied("只有站长可以重新发送邮件。")
    now = now or timezone.now()
    resent = 0
    for email in emails.failed().select_for_update():
        email.status = EmailStatus.QUEUED
        email.attempts = 0
        _schedule(email=email, at=now)
        email.full_clean()
        email.save(update_fields=["status", "attempts", "task_id", "next_attempt_at"])
        resent += 1
    return resent


def _waiting_for_a_worker(email: OutgoingEmail) -> bool:
    try:
        return tasks.deliver_email.get_result(email.task_id).status == TaskResultStatus.READY
    except TaskResultDoesNotExist:
        return False


def emails_requeue_stuck(*, now: datetime.datetime | None = None) -> int:
    """Housekeeping: schedule again every message whose delivery task died with its worker, so that
    no queued message waits forever. A task that is merely waiting for a stopped worker is left
    alone (it runs when the worker is back); the dead one is superseded and sends nothing if it ever
    runs."""
    now = now or timezone.now()
    requeued = 0
    for email in OutgoingEmail.objects.queued().filter(next_attempt_at__lt=now - STUCK_AFTER).only("id", "task_id"):
        with transaction.atomic():
            email = OutgoingEmail.objects.select_for_update(skip_locked=True).queued().filter(pk=email.pk).first()
            if email is None:
                continue  # being sent right now, or sent meanwhile
            if _waiting_for_a_worker(email):
                continue
            _schedule(email=email, at=now)
            email.save(update_fields=["task_id", "next_attempt_at"])
            requeued += 1
    return requeued
