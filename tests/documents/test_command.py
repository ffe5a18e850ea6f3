"""manage.py import_documents: a folder of files, a progress bar, a line per refused file and a summary."""

import io

import pytest
from django.core.management import CommandError, call_command

from reports.models import Report, ReportStatus

from . import files

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "吉首报告.pdf").write_bytes(files.pdf_bytes())
    opening = ["——2023年1月10日在凤凰县人民代表大会上", "各位代表："]
    (folder / "凤凰县报告.docx").write_bytes(files.docx_bytes(title="凤凰县人民政府工作报告", paragraphs=opening))
    (folder / "扫描件.pdf").write_bytes(files.scanned_pdf_bytes())
    (folder / "setup.pdf").write_bytes(files.exe_bytes())
    (folder / "sub" / "页面.html").write_bytes(files.html_bytes(encoding="gb18030"))
    return folder


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_documents", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_folder_is_imported_with_a_summary_and_a_line_per_refused_file(folder, region):
    out, err = run(str(folder), "--region", "433101")
    assert "共 4 个文件：导入草稿 2 篇，未导入 2 个" in out
    assert "扫描件.pdf：文件“扫描件.pdf”中没有可提取的文字（可能是扫描件或图片）" in err
    assert "setup.pdf：文件“setup.pdf”的内容是 EXE 格式" in err
    titles = dict(Report.objects.values_list("title", "region__code"))
    # 凤凰县 is not a region of the test database: the --region given is used.
    assert titles == {"吉首市人民政府工作报告": "433101", "凤凰县人民政府工作报告": "433101"}
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.DRAFT}

    out, err = run(str(folder), "--region", "433101", "--recursive")
    assert "共 5 个文件：导入草稿 0 篇，未导入 5 个" in out  # the html page is the same document as the pdf
    assert err.count("已导入过") == 2 and "sub/页面.html：" in err and "已存在" in err
    assert Report.objects.count() == 2


def test_bad_arguments_are_explained(folder, region):
    with pytest.raises(CommandError, match="找不到文件夹"):
        run(str(folder / "nowhere"))
    with pytest.raises(CommandError, match="未知栏目“通知”"):
        run(str(folder), "--category", "通知")
    with pytest.raises(CommandError, match="找不到地区“火星”"):
        run(str(folder), "--region", "火星")
    with pytest.raises(CommandError, match="请输入有效的日期"):
        run(str(folder), "--date", "2023-13-45")
    assert not Report.objects.exists()
