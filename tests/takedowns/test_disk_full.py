"""A disk that fills up while evidence is being written: a clear answer, nothing half-kept.

The full disk is simulated with RLIMIT_FSIZE, which makes any write past the limit fail with an
OSError (EFBIG) as ENOSPC would, in this process only; the database, another process, is unaffected."""

import os
import resource
import signal
from contextlib import contextmanager

import pytest

from takedowns.models import TakedownAttachment, TakedownNotice
from tests.takedowns.helpers import PDF, captcha_answer, notice_data, pdf

pytestmark = pytest.mark.django_db

LIMIT = 1024 * 1024


@contextmanager
def disk_full_past(limit: int):
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing us
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous_handler)


def stored_files(root) -> list[str]:
    return [name for _, _, names in os.walk(root) for name in names] if os.path.exists(root) else []


def test_a_notice_whose_evidence_cannot_be_written_is_refused_whole_and_can_be_sent_again(
    client, report, private_media
):
    data = notice_data(report.get_absolute_url(), claimant_name="李四（磁盘已满）")
    small, large = pdf("小.pdf"), pdf("大.pdf", PDF + b"%" * (LIMIT + 512 * 1024))

    with disk_full_past(LIMIT):
        response = client.post("/takedown/", {**data, **captcha_answer(client), "attachments": [small, large]})

    assert response.status_code == 503 and response["Retry-After"]
    html = response.content.decode()
    assert "服务器暂时无法保存上传的文件" in html and "李四（磁盘已满）" in html  # the typed text is kept
    assert not TakedownNotice.objects.exists() and not TakedownAttachment.objects.exists()
    assert stored_files(private_media) == []  # neither the written file nor a partial one

    small.seek(0)
    large.seek(0)
    again = client.post("/takedown/", {**data, **captcha_answer(client), "attachments": [small, large]})
    assert again.status_code == 302
    notice = TakedownNotice.objects.get()
    assert sorted(a.size for a in notice.attachments.all()) == [len(PDF), len(PDF) + LIMIT + 512 * 1024]
    assert len(stored_files(private_media)) == 2
