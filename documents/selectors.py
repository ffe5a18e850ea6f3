"""Reads for importing documents and serving their originals."""

from reports import selectors as report_selectors
from reports.models import Category, Region, Report

from .models import Original
from .proposals import Place, Vocabulary


def vocabulary() -> Vocabulary:
    """Every region name and category, read once per import run (a few thousand short rows)."""
    places = [Place(*row) for row in Region.objects.values_list("id", "name", "level", "province_id", "prefecture_id")]
    return Vocabulary(places=places, categories=dict(Category.objects.values_list("name", "id")))


def original_of(report: Report) -> Original | None:
    try:
        return report.original
    except Original.DoesNotExist:
        return None


def report_with_original(report_id: int) -> Report | None:
    """The report as its article reads it (whether readers may see it, its places), with its
    original already loaded by the same statement."""
    return report_selectors.report_for_article(report_id)


def imported_from(*, sha256: str) -> Original | None:
    """The original with this content, if the file was imported before."""
    return Original.objects.select_related("report").filter(sha256=sha256).first()


def same_document(*, region: Region, category: Category, date, title: str) -> Report | None:
    return Report.objects.filter(region=region, category=category, date=date, title=title).only("id", "title").first()
