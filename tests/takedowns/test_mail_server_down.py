"""Fault test: the mail server is down and comes back. A claimant still gets a receipt number, and
exactly one notice; a site owner's decision is taken and reported normally. The mail waits in the
outbox and arrives once the server is back, exactly once. The worker is the real
`manage.py db_worker` in its own process, with the production settings, and the mail server a real
SMTP server (aiosmtpd) on a loopback port, stopped and started again."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from outbox.models import EmailStatus, OutgoingEmail
from takedowns.models import NoticeStatus, TakedownNotice
from tests.factories import TakedownNoticeFactory
from tests.mailworker import let_the_backoff_pass
from tests.servers import SMTPInbox, free_port, smtp_server
from tests.takedowns.helpers import captcha_answer, notice_data, pdf

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT = Path(__file__).resolve().parents[2]


def run_worker(smtp_port: int) -> subprocess.CompletedProcess:
    """One pass of the worker as deployed: every task that is due, then it exits."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_SECRET_KEY": "fault-test-secret-key-that-is-long-enough-0123456789-abcdefghij",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SITE_URL": "https://testserver",
        "DATABASE_URL": f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}",
        "DJANGO_EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "DJANGO_EMAIL_TIMEOUT": "10",
    }
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay"]
    worker = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)
    assert worker.returncode == 0, worker.stderr
    return worker


@pytest.fixture(autouse=True)
def smtp_settings(settings):
    """This process talks to the same (down) server as the worker would, so that mail sent inside a
    request, as before the outbox, fails here too."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 5},
        }
    }


def test_a_notice_filed_while_the_mail_server_is_down_gets_its_receipt_and_the_mail_comes_later(client, report):
    smtp_port = free_port()  # nothing listens there yet: the mail server is down

    response = client.post(
        "/takedown/",
        {**notice_data(report.get_absolute_url()), **captcha_answer(client), "attachments": [pdf()]},
    )
    assert response.status_code == 302
    notice = TakedownNotice.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "通知已受理" in page and notice.receipt in page
    assert notice.attachments.count() == 1
    (queued,) = OutgoingEmail.objects.all()
    assert queued.status == EmailStatus.QUEUED and queued.to == "claimant@example.com"

    started = timezone.now()
    run_worker(smtp_port)  # the server is still down
    queued.refresh_from_db()
    assert queued.status == EmailStatus.QUEUED and queued.attempts == 1
    assert "ConnectionRefusedError" in queued.last_error
    assert (
        started + datetime.timedelta(seconds=55)
        <= queued.next_attempt_at
        <= timezone.now() + datetime.timedelta(seconds=65)
    )
    failed_task, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert failed_task.status == "FAILED" and "DeliveryFailed" in failed_task.exception_class_path
    assert retry.status == "READY" and retry.run_after == queued.next_attempt_at

    run_worker(smtp_port)  # no retry before its time
    queued.refresh_from_db()
    assert queued.attempts == 1

    inbox = SMTPInbox()
    with smtp_server(smtp_port, inbox):  # the mail server is back
        assert let_the_backoff_pass() == 1
        run_worker(smtp_port)
        run_worker(smtp_port)  # and another pass sends nothing twice

    (message,) = inbox.messages
    assert message["To"] == "claimant@example.com"
    assert notice.receipt in message["Subject"]
    assert report.get_absolute_url() in message.get_content()
    queued.refresh_from_db()
    assert queued.status == EmailStatus.SENT and queued.attempts == 2 and queued.sent_at is not None
    assert TakedownNotice.objects.count() == 1


def test_a_decision_taken_while_the_mail_server_is_down_answers_normally(client, report, site_owner):
    smtp_port = free_port()
    notice = TakedownNoticeFactory(report=report)
    client.force_login(site_owner)

    response = client.post(reverse("admin:takedowns_takedownnotice_decide", args=[notice.pk, "uphold"]))
    assert response.status_code == 302
    assert "内容已屏蔽" in client.get(response["Location"]).content.decode()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.UPHELD
    assert OutgoingEmail.objects.get(subject__contains="内容已屏蔽").status == EmailStatus.QUEUED

    inbox = SMTPInbox()
    with smtp_server(smtp_port, inbox):
        run_worker(smtp_port)
    subjects = [message["Subject"] for message in inbox.messages]
    assert len(subjects) == 2  # the receipt and the decision, once each
    assert any("版权投诉已受理" in subject for subject in subjects)
    assert any("内容已屏蔽" in subject for subject in subjects)
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}
