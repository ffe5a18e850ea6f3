"""document_import: a draft report from a file, with proposed title, date, region and category."""

import datetime
import re

import pytest

from documents.extraction import DocumentError
from documents.models import Original
from documents.services import ImportDefaults, document_import
from reports.models import Category, RegionLevel, Report, ReportStatus
from tests.factories import RegionFactory
from tests.takedowns.test_disk_full import disk_full_past

from . import files

pytestmark = pytest.mark.django_db


def refused(message: str):
    return pytest.raises(DocumentError, match=re.escape(message))


MAKERS = {"pdf": files.pdf_bytes, "docx": files.docx_bytes, "html": files.html_bytes}


def stored_files(private_media) -> list:
    return [path for path in private_media.rglob("*") if path.is_file()] if private_media.exists() else []


@pytest.mark.parametrize("kind", ["pdf", "docx", "html"])
def test_a_file_becomes_a_draft_with_title_date_region_and_category_proposed(region, kind):
    content = MAKERS[kind]()
    report = document_import(name=f"吉首市政府工作报告.{kind}", content=content)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.title == "吉首市人民政府工作报告"
    assert report.date == datetime.date(2023, 2, 14)
    assert (report.region.code, report.region.name) == ("433101", "吉首市")
    assert report.category.name == "报告"
    assert report.paragraphs == files.PARAGRAPHS  # the title is not repeated in the body
    original = report.original
    assert (original.kind, original.size, original.file_name) == (kind, len(content), f"吉首市政府工作报告.{kind}")
    with original.file.open("rb") as stored:
        assert stored.read() == content


def test_a_place_name_shared_by_two_regions_is_told_apart_by_the_province_named_with_it(db):
    beijing = RegionFactory(code="11", name="北京市", type="直辖市", slug="beijing", big_region__name="华北")
    jilin = RegionFactory(code="22", name="吉林省", type="省", slug="jilin", big_region__name="东北")
    changchun = RegionFactory(code="2201", name="长春市", type="地级市", level=RegionLevel.PREFECTURE, parent=jilin)
    in_beijing = RegionFactory(code="110105", name="朝阳区", type="市辖区", level=RegionLevel.COUNTY, parent=beijing)
    RegionFactory(code="220104", name="朝阳区", type="市辖区", level=RegionLevel.COUNTY, parent=changchun)
    title = "(北京市)朝阳区人民政府工作报告(2024年1月10日)"
    content = files.docx_bytes(title=title, paragraphs=["各位代表：", "正文。"])
    report = document_import(name="朝阳.docx", content=content)
    assert report.region == in_beijing and report.date == datetime.date(2024, 1, 10)

    alone = files.docx_bytes(title="朝阳区2023年政府工作报告", paragraphs=["2024年1月8日", "正文。"])
    with refused("文件“朝阳2.docx”：无法从文件中识别地区，请在导入时指定地区"):
        document_import(name="朝阳2.docx", content=alone)


def test_a_statistical_bulletin_dated_in_chinese_numerals(region):
    content = files.docx_bytes(
        title="吉首市2022年国民经济和社会发展统计公报",
        paragraphs=["吉首市统计局", "二〇二三年三月二十日", "2022年，全市地区生产总值增长5.2%。"],
    )
    report = document_import(name="公报.docx", content=content)
    assert report.title == "吉首市2022年国民经济和社会发展统计公报"
    assert report.date == datetime.date(2023, 3, 20)
    assert report.category.name == "公报" and report.region == region


def test_what_the_document_does_not_say_comes_from_the_defaults_or_is_asked_for(region):
    content = files.html_bytes(heading="政府工作报告", site="本站", published="", paragraphs=["各位代表：", "正文。"])
    with pytest.raises(DocumentError) as refused:
        document_import(name="无名.html", content=content)
    assert str(refused.value) == "文件“无名.html”：无法从文件中识别地区、日期，请在导入时指定地区、日期后重新导入。"
    assert not Report.objects.exists()

    defaults = ImportDefaults(region=region, date=datetime.date(2023, 1, 5), category=Category.objects.get(name="规划"))
    report = document_import(name="无名.html", content=content, defaults=defaults)
    assert (report.region, report.date, report.category.name) == (region, datetime.date(2023, 1, 5), "报告")


@pytest.mark.parametrize(
    ("name", "make"),
    [("扫描件.pdf", files.scanned_pdf_bytes), ("setup.pdf", files.exe_bytes), ("半截.docx", files.truncated)],
)
def test_a_refused_file_leaves_no_report_and_no_file(region, private_media, name, make):
    content = make(files.docx_bytes()) if make is files.truncated else make()
    with refused(name):
        document_import(name=name, content=content)
    assert not Report.objects.exists() and not Original.objects.exists()
    assert stored_files(private_media) == []


def test_the_same_file_or_the_same_document_is_never_imported_twice(region, private_media):
    content = files.pdf_bytes()
    first = document_import(name="报告.pdf", content=content)
    with refused(f"文件“再次.pdf”已导入过：报告“吉首市人民政府工作报告”（编号 {first.pk}）"):
        document_import(name="再次.pdf", content=content)
    with refused(f"吉首市2023-02-14的“吉首市人民政府工作报告”已存在（编号 {first.pk}）"):
        document_import(name="同一份.docx", content=files.docx_bytes())
    assert Report.objects.count() == 1 and len(stored_files(private_media)) == 1


def test_a_disk_that_fills_up_leaves_no_report_and_no_partial_file(region, private_media):
    limit = 16 * 1024
    content = files.html_bytes(paragraphs=[*files.PARAGRAPHS, *["正文段落。" * 20] * 100])
    assert len(content) > limit
    with disk_full_past(limit), refused("文件“报告.html”未能保存到服务器"):
        document_import(name="报告.html", content=content)
    assert not Report.objects.exists() and not Original.objects.exists()
    assert stored_files(private_media) == []
