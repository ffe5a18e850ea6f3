"""Across processes: articles cached by a gunicorn with two workers show 下载原文 as soon as an
original is attached here, and its file stops being served the moment the report is withdrawn."""

import pytest

from documents.services import document_import, original_attach, original_remove
from reports import services as report_services
from reports.models import ReportStatus
from tests.portal.test_page_cache import cached, fetch
from tests.servers import free_port, wait_until_listening

from . import files

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def shared_media(tmp_path_factory):
    return tmp_path_factory.mktemp("private")


@pytest.fixture
def private_media(settings, shared_media):
    settings.PRIVATE_MEDIA_ROOT = shared_media
    return shared_media


@pytest.fixture(scope="module")
def app_server(django_db_setup, django_db_blocker, cache_url, shared_media):
    """gunicorn, two workers, on the test database, the suite's cache and the same private files."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.db import connection

    db = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}",
        "DJANGO_PRIVATE_MEDIA_ROOT": str(shared_media),
    }
    if cache_url:
        env["DJANGO_CACHE_URL"] = cache_url
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen([*command, "--no-control-socket"], cwd=Path(__file__).resolve().parents[2], env=env)
    if not wait_until_listening(port, timeout=90):  # the machine may be busy
        server.kill()
        server.wait()
        pytest.fail("gunicorn did not start")
    yield port
    server.terminate()
    server.wait(timeout=20)


def private_media_files(report):
    from django.conf import settings

    return [path for path in settings.PRIVATE_MEDIA_ROOT.rglob("*") if path.is_file()]


def test_attaching_replacing_and_removing_an_original_show_on_the_next_request(app_server, region):
    report = document_import(name="报告.docx", content=files.docx_bytes())
    original_remove(original=report.original)
    report_services.reports_set_status(report_ids=[report.pk], status=ReportStatus.PUBLISHED)
    article = report.get_absolute_url()
    assert "下载原文" not in cached(app_server, article)

    original_attach(report=report, name="报告.pdf", content=files.pdf_bytes())
    page = fetch(app_server, article)
    assert not page.from_cache and "下载原文</a>（PDF 文件，" in page.text
    download = fetch(app_server, f"/yuanwen/{report.pk}/")
    assert download.status == 200 and download.headers["content-type"] == "application/pdf"
    assert "下载原文" in cached(app_server, article)

    original_attach(report=report, name="报告.docx", content=files.docx_bytes(title="修订版"))
    assert "（Word 文档，" in fetch(app_server, article).text
    assert len([path for path in private_media_files(report)]) == 1  # the replaced file is gone

    report_services.reports_set_status(report_ids=[report.pk], status=ReportStatus.WITHDRAWN)
    assert fetch(app_server, f"/yuanwen/{report.pk}/").status == 404
    assert fetch(app_server, article).status == 404
