"""从文件导入 in admin: reached from the report list, one file straight to its draft, many files
with a line each for what was imported and what was refused; typed fields are kept."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Original
from reports.models import Report, ReportStatus

from . import files

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/documents/original/import/"
BULLETIN = [
    "2022年，全市地区生产总值增长5.2%，一般公共预算收入完成12.3亿元，同比增长8.1%。",
    "全年新增城镇就业5120人，城镇登记失业率控制在4%以内，居民消费价格上涨1.9%。",
]


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_the_report_list_has_a_button_to_the_import_page(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:reports_report_changelist")).content.decode()
    assert reverse("admin:documents_import") == IMPORT_URL
    assert f'<a href="{IMPORT_URL}" class="addlink">从文件导入</a>' in html
    page = client.get(IMPORT_URL)
    assert page.status_code == 200 and "导入为草稿" in page.content.decode()


def test_staff_without_the_right_to_add_reports_cannot_import(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="guest", is_staff=True))
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"files": [upload("a.docx", files.docx_bytes())]}).status_code == 403
    assert not Report.objects.exists()


def test_an_editor_imports_a_word_file_and_lands_on_its_draft(client, editor, region):
    client.force_login(editor)
    response = client.post(IMPORT_URL, {"files": [upload("吉首市政府工作报告.docx", files.docx_bytes())]}, follow=True)
    report = Report.objects.get()
    assert response.redirect_chain[-1][0] == reverse("admin:reports_report_change", args=[report.pk])
    html = response.content.decode()
    assert "已从文件导入草稿“吉首市人民政府工作报告”" in html and "请核对" in html
    assert report.status == ReportStatus.DRAFT and report.region == region
    assert client.get(reverse("admin:documents_original_changelist")).status_code == 200
    download = client.get(reverse("admin:documents_original_download", args=[report.original.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment;")
    download.close()


def test_several_files_good_and_bad_get_a_line_each_and_typed_fields_are_kept(client, editor, region):
    client.force_login(editor)
    response = client.post(
        IMPORT_URL,
        {
            "files": [
                upload("报告.pdf", files.pdf_bytes()),
                upload("扫描件.pdf", files.scanned_pdf_bytes()),
                upload("setup.pdf", files.exe_bytes()),
                upload("公报.html", files.html_bytes(heading="吉首市2022年统计公报", paragraphs=BULLETIN)),
            ],
            "region": "吉首市",
            "date": "2023-03-01",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "已导入 2 篇草稿" in html and "2 个文件未导入" in html
    assert "文件“扫描件.pdf”中没有可提取的文字（可能是扫描件或图片）" in html
    assert "文件“setup.pdf”的内容是 EXE 格式" in html
    assert 'value="吉首市"' in html and 'value="2023-03-01"' in html
    assert sorted(Report.objects.values_list("title", flat=True)) == ["吉首市2022年统计公报", "吉首市人民政府工作报告"]
    assert Original.objects.count() == 2


def test_an_unknown_region_is_explained_and_nothing_is_imported(client, editor, region):
    client.force_login(editor)
    response = client.post(IMPORT_URL, {"files": [upload("a.docx", files.docx_bytes())], "region": "不存在县"})
    html = response.content.decode()
    assert response.status_code == 200 and "找不到地区“不存在县”" in html and 'value="不存在县"' in html
    assert not Report.objects.exists()


def test_submitting_without_a_file_asks_for_one(client, editor):
    client.force_login(editor)
    response = client.post(IMPORT_URL, {"region": ""})
    assert response.status_code == 200 and "请选择要导入的文件。" in response.content.decode()


def test_deleting_an_original_in_admin_keeps_the_report_and_removes_the_link(client, editor, region):
    client.force_login(editor)
    client.post(IMPORT_URL, {"files": [upload("a.docx", files.docx_bytes())]})
    original = Original.objects.get()
    response = client.post(reverse("admin:documents_original_delete", args=[original.pk]), {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert not Original.objects.exists() and Report.objects.count() == 1
