"""The search vector is current on every write path."""

import datetime
import json

import pytest
from django.core.management import call_command

from reports import services
from reports.models import Report, ReportStatus
from search.query import RawSearchQuery, parse_query
from tests.factories import CategoryFactory, ReportFactory

pytestmark = pytest.mark.django_db


def found(text: str) -> set[int]:
    query = parse_query(text)
    return set(Report.objects.filter(search_vector=RawSearchQuery(query.match)).values_list("pk", flat=True))


def test_report_create_indexes_title_body_and_place_names(region, category):
    report = services.report_create(
        title="吉首市人民政府工作报告", region=region, category=category, date=datetime.date(2023, 2, 14),
        body="大兴寨水库全面动工建设。", status=ReportStatus.PUBLISHED,
    )  # fmt: skip
    for text in ("大兴寨水库", "水库", "人民政府", "湖南", "湘西", "吉首"):
        assert report.pk in found(text), text


def test_report_save_reindexes_an_edited_report(report):
    report.title = "茶旅融合发展规划"
    report.body = "隘口村入选全国茶乡旅游精品线路。"
    services.report_save(report=report)
    assert report.pk in found("茶乡旅游")
    assert report.pk not in found("第一段")


def test_admin_edit_reindexes(admin_client, report):
    url = f"/admin/reports/report/{report.pk}/change/"
    data = {
        "title": report.title, "region": report.region_id, "category": report.category_id,
        "date": report.date.isoformat(), "status": ReportStatus.PUBLISHED, "body": "矮寨旅游区联动发展。",
        "source_name": "", "source_url": "",
    }  # fmt: skip
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert report.pk in found("矮寨旅游")


def test_bulk_status_changes_keep_the_vector(report):
    services.reports_set_status(report_ids=[report.pk], status=ReportStatus.WITHDRAWN)
    services.reports_set_status(report_ids=[report.pk], status=ReportStatus.PUBLISHED)
    assert report.pk in found("第一段")


def test_import_indexes_new_reports(region, tmp_path):
    CategoryFactory(name="规划", slug="guihua")
    path = tmp_path / "reports.jsonl"
    row = {"title": "吉首市乡村振兴规划", "region": "433101", "category": "guihua", "date": "2021-06-01",
           "body": "建设乡村振兴示范村。", "status": "published"}  # fmt: skip
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    call_command("import_reports", str(path), verbosity=0)
    assert Report.objects.get(title="吉首市乡村振兴规划").pk in found("乡村振兴示范村")


def test_generate_reports_indexes_with_the_region_names(region, category):
    call_command("generate_reports", count=30, seed=1, verbosity=0)
    reports = list(Report.objects.select_related("region"))
    assert reports and all(r.search_vector for r in reports)
    sample = reports[0]
    assert sample.pk in found(sample.region.name)
    # The generator's memoised tokens give exactly what the services compute.
    assert sample.search_vector == Report.objects.get(pk=sample.pk).search_vector
    expected = services.report_search_vector(Report.objects.select_related("region").get(pk=sample.pk))
    with_db = Report.objects.filter(pk=sample.pk).values_list("search_vector", flat=True).get()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsvector = %s::tsvector", [expected, with_db])
        assert cursor.fetchone()[0]


def test_factory_reports_are_findable(region, category):
    report = ReportFactory(region=region, category=category, title="吉首市统计公报")
    assert report.pk in found("统计公报")
