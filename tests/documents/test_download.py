"""下载原文: the article's link, the file with its type and a Chinese name every browser keeps, and
never for drafts, withdrawn or restricted reports."""

import contextlib
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from documents.services import document_import, original_attach
from portal.roles import SITE_OWNERS
from reports import services as report_services
from reports.models import ReportStatus
from takedowns import services as takedown_services
from tests.factories import ReportFactory, TakedownNoticeFactory, UserFactory
from tests.queries import uncached

from . import files

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def published(region):
    report = document_import(name="(湖南省)吉首市人民政府工作报告(2023年2月14日).docx", content=files.docx_bytes())
    report_services.reports_set_status(report_ids=[report.pk], status=ReportStatus.PUBLISHED)
    report.refresh_from_db()
    return report


def download_url(report) -> str:
    return reverse("documents:download", kwargs={"report_id": report.pk})


def test_the_article_offers_the_original_with_its_type_and_size(client, published):
    html = client.get(uncached(published.get_absolute_url())).content.decode()
    size = published.original.size / 1024
    assert f'<a href="{download_url(published)}" download>下载原文</a>（Word 文档，{size:.1f}\xa0KB）' in html


def test_the_original_is_served_with_its_type_and_a_chinese_name_with_an_ascii_fallback(client, published):
    response = client.get(download_url(published))
    assert response.status_code == 200
    with published.original.file.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    assert response["Content-Type"] == DOCX
    assert response["Content-Length"] == str(published.original.size)
    assert response["Content-Disposition"] == (
        'attachment; filename="hu-nan-sheng-ji-shou-shi-ren-min-zheng-fu-gong-zuo-bao-gao-2023-nian-2-yue-14-ri.docx"; '
        "filename*=UTF-8''%28%E6%B9%96%E5%8D%97%E7%9C%81%29%E5%90%89%E9%A6%96%E5%B8%82%E4%BA%BA%E6%B0%91%E6%94%BF"
        "%E5%BA%9C%E5%B7%A5%E4%BD%9C%E6%8A%A5%E5%91%8A%282023%E5%B9%B42%E6%9C%8814%E6%97%A5%29.docx"
    )
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize(("kind", "content_type"), [("pdf", "application/pdf"), ("html", "text/html")])
def test_pdf_and_html_originals_keep_their_own_type(client, region, kind, content_type):
    make = {"pdf": files.pdf_bytes, "html": files.html_bytes}[kind]
    report = document_import(name=f"报告.{kind}", content=make())
    report_services.reports_set_status(report_ids=[report.pk], status=ReportStatus.PUBLISHED)
    response = client.get(download_url(report))
    response.close()
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith(f'attachment; filename="bao-gao.{kind}"')


@pytest.mark.parametrize("status", [ReportStatus.DRAFT, ReportStatus.WITHDRAWN])
def test_drafts_and_withdrawn_reports_offer_no_original(client, admin_client, published, status):
    report_services.reports_set_status(report_ids=[published.pk], status=status)
    assert client.get(download_url(published)).status_code == 404
    preview = admin_client.get(published.get_absolute_url())  # a staff preview shows no reader's link
    assert preview.status_code == 200 and "下载原文" not in preview.content.decode()


def test_a_restricted_report_answers_451_for_its_original_too(client, published):
    owner = UserFactory(username="zhanzhang", is_staff=True, groups=[SITE_OWNERS])
    takedown_services.notice_uphold(notice=TakedownNoticeFactory(report=published), actor=owner)
    response = client.get(download_url(published))
    assert response.status_code == 451
    html = response.content.decode()
    assert "因版权投诉无法访问" in html and published.title in html
    assert 'rel="blocked-by"' in response["Link"]
    assert b"PK" not in response.content[:4]


def test_reports_without_an_original_and_unknown_reports_are_404(client, region, category):
    report = ReportFactory(region=region, category=category)
    assert client.get(download_url(report)).status_code == 404
    assert "下载原文" not in client.get(report.get_absolute_url()).content.decode()
    assert client.get(reverse("documents:download", kwargs={"report_id": 999999})).status_code == 404


def test_an_original_attached_later_replaces_the_first_and_the_article_shows_it(client, published):
    first = published.original
    client.get(published.get_absolute_url())  # cached for anonymous readers
    original_attach(report=published, name="修订版.pdf", content=files.pdf_bytes())
    html = client.get(published.get_absolute_url()).content.decode()
    assert "（PDF 文件，" in html and "Word 文档" not in html
    response = client.get(download_url(published))
    response.close()
    assert response["Content-Type"] == "application/pdf"
    assert published.original.pk != first.pk


def test_a_deleted_report_takes_its_original_file_with_it_once_committed(published, django_capture_on_commit_callbacks):
    stored = Path(published.original.file.path)
    assert stored.is_file()
    with (
        django_capture_on_commit_callbacks(execute=False) as rolled_back,
        contextlib.suppress(RuntimeError),
        transaction.atomic(),
    ):
        report_services.reports_delete(report_ids=[published.pk])
        raise RuntimeError("the deletion is rolled back")
    assert rolled_back == [] and stored.is_file()  # nothing was scheduled for a deletion that did not happen

    with django_capture_on_commit_callbacks(execute=True):
        report_services.reports_delete(report_ids=[published.pk])  # as admin's delete does
    assert not stored.exists()


def test_a_replaced_original_file_is_removed_and_the_new_one_kept(published, django_capture_on_commit_callbacks):
    first = Path(published.original.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        second = original_attach(report=published, name="修订版.pdf", content=files.pdf_bytes())
    assert not first.exists() and Path(second.file.path).is_file()
