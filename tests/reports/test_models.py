import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from reports import services
from reports.models import Category, Region, RegionLevel, Report, ReportStatus, ReportTally
from tests.factories import CategoryFactory, RegionFactory, ReportFactory

pytestmark = pytest.mark.django_db


def test_display_title_has_the_original_form(report):
    report.title = "吉首市人民政府工作报告"
    report.date = datetime.date(2023, 2, 14)
    assert report.display_title == "(湖南省)吉首市人民政府工作报告(2023年2月14日)"


def test_report_copies_its_regions_ancestry(report):
    assert report.province.name == "湖南省"
    assert report.prefecture.name == "湘西土家族苗族自治州"
    assert report.big_region.slug == "huazhong"


def test_paragraphs_keep_the_bodys_paragraphs(report):
    report.body = "  （一）第一段。\n\n  （二）第二段。\n第三段"
    assert report.paragraphs == ["（一）第一段。", "（二）第二段。", "第三段"]


def test_same_document_cannot_be_stored_twice(report):
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            title=report.title,
            region=report.region,
            category=report.category,
            date=report.date,
            body="x",
            big_region=report.big_region,
            province=report.province,
        )


def test_published_report_needs_published_at(report):
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(published_at=None)


def test_unknown_status_is_refused_by_the_database(report):
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(status="lost")


def test_province_cannot_have_a_parent(region):
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.filter(level=RegionLevel.PROVINCE).update(parent=region)


@pytest.mark.parametrize("slug", ["admin", "diqu", "search", "static"])
def test_reserved_slugs_are_refused_for_categories(slug):
    with pytest.raises(ValidationError):
        Category(name="新栏目", slug=slug).full_clean()


def test_published_excludes_drafts_withdrawn_and_restricted(region, category):
    visible = ReportFactory(region=region, category=category)
    ReportFactory(region=region, category=category, status=ReportStatus.DRAFT)
    ReportFactory(region=region, category=category, status=ReportStatus.WITHDRAWN)
    restricted = ReportFactory(region=region, category=category)
    services.reports_set_restricted(report_ids=[restricted.pk], restricted=True)
    assert list(Report.objects.published()) == [visible]


def tally_total() -> int:
    return sum(ReportTally.objects.values_list("count", flat=True))


def test_tallies_follow_every_write(region, category):
    report = ReportFactory(region=region, category=category)
    draft = ReportFactory(region=region, category=category, status=ReportStatus.DRAFT)
    assert tally_total() == 1
    services.reports_set_status(report_ids=[draft.pk], status=ReportStatus.PUBLISHED)
    assert tally_total() == 2
    services.reports_set_status(report_ids=[report.pk, draft.pk], status=ReportStatus.WITHDRAWN)
    assert tally_total() == 0
    services.reports_set_status(report_ids=[report.pk], status=ReportStatus.PUBLISHED)
    services.reports_set_restricted(report_ids=[report.pk], restricted=True)
    assert tally_total() == 0
    services.reports_set_restricted(report_ids=[report.pk], restricted=False)
    assert tally_total() == 1


def test_moving_a_report_moves_its_count(region, category):
    report = ReportFactory(region=region, category=category, date=datetime.date(2020, 5, 1))
    elsewhere = RegionFactory(
        code="11", name="北京市", type="直辖市", slug="beijing", big_region__name="华北", big_region__slug="hb"
    )
    report.region = elsewhere
    report.date = datetime.date(2021, 5, 1)
    services.report_save(report=report)
    counts = {(t.region_id, t.year): t.count for t in ReportTally.objects.all()}
    assert counts == {(region.pk, 2020): 0, (elsewhere.pk, 2021): 1}
    assert report.big_region.slug == "hb" and report.province == elsewhere


def test_tally_rebuild_matches_incremental_counts(region, category):
    for day in range(5):
        ReportFactory(region=region, category=CategoryFactory(name="公报", slug="gongbao") if day % 2 else category)
    before = sorted(ReportTally.objects.values_list("region", "category", "year", "count"))
    services.tally_rebuild()
    assert sorted(ReportTally.objects.values_list("region", "category", "year", "count")) == before


def test_view_counter_only_counts_visible_reports(report):
    assert services.report_record_view(report_id=report.pk) == 1
    services.reports_set_restricted(report_ids=[report.pk], restricted=True)
    assert services.report_record_view(report_id=report.pk) is None


def test_an_articles_address_is_the_one_its_url_pattern_gives(report):
    """get_absolute_url builds it from the list's address (cheaper than reverse() per report)."""
    expected = reverse(
        "reports:detail", kwargs={"category": report.category.slug, "area": report.big_region.slug, "pk": report.pk}
    )
    assert report.get_absolute_url() == expected
