from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from portal.caching import depends_on
from reports import scopes
from reports import selectors as report_selectors
from reports.models import Report, ReportStatus
from takedowns.responses import restricted_report_response

from . import selectors


class NotComparable(Exception):
    """What a reader asked for cannot be shown; the page says why (status, Chinese message)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def report_compare(request: HttpRequest, category: str, area: str, pk: int) -> HttpResponse:
    """A report beside the same region's report of the same category from another year (?year=,
    by default the closest earlier year). A pure function of the two reports, so cached like an
    article: built from both reports' scopes and the list of the region's reports (which years
    exist)."""
    depends_on(request, scopes.report_page(pk))
    report = _readable_report(request, pk)
    if not isinstance(report, Report):
        return report
    if (category, area) != (report.category.slug, report.big_region.slug):
        url = reverse(
            "compare:compare", kwargs={"category": report.category.slug, "area": report.big_region.slug, "pk": pk}
        )
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url, permanent=True)
    depends_on(request, scopes.at(report.region_id))
    choices = selectors.counterparts(report)
    try:
        chosen = _chosen(report, choices, request.GET.get("year"))
    except NotComparable as refusal:
        template = "400.html" if refusal.status == 400 else "404.html"
        context = {"reason": refusal.message} if refusal.status == 400 else {"message": refusal.message}
        return render(request, template, context, status=refusal.status)
    depends_on(request, scopes.report_page(chosen.report_id))
    other = _readable_report(request, chosen.report_id)
    if not isinstance(other, Report):
        return other
    comparison = selectors.comparison(report, other)
    return render(
        request,
        "compare/compare.html",
        {
            "report": report,
            "other": other,
            "comparison": comparison,
            "years": [c.year for c in choices if c.is_public],
            "crumbs": [*report.lineage(), report, "年度对比"],
        },
    )


def _readable_report(request: HttpRequest, pk: int) -> Report | HttpResponse:
    report = report_selectors.report_for_article(pk)
    if report is None:
        raise Http404("没有这篇报告")
    if report.is_public:
        return report
    if report.status == ReportStatus.PUBLISHED and report.is_restricted:
        return restricted_report_response(request, report)
    raise Http404("没有这篇报告")  # no previews here: staff compare what readers can read


def _chosen(report: Report, choices: list[selectors.Counterpart], year: str | None) -> selectors.Counterpart:
    readable_years = "、".join(f"{c.year}年" for c in choices if c.is_public)
    if not year:
        chosen = selectors.default_counterpart(report, choices)
        if chosen is None:
            raise NotComparable(
                404, f"{report.region.name}的{report.category.name}目前只有这一年的，还没有可以对比的其他年份。"
            )
        return chosen
    if not (year.isascii() and year.isdigit() and len(year) == 4):
        raise NotComparable(
            400, f"“{year[:20]}”不是年份。对比的年份请写成四位数字，例如 ?year={report.date.year - 1}。"
        )
    if int(year) == report.date.year:
        raise NotComparable(400, f"这篇报告就是{year}年的，请选择另一年份对比。")
    chosen = next((c for c in choices if c.year == int(year)), None)
    if chosen is None:
        offer = f"可以对比的年份：{readable_years}。" if readable_years else "目前没有可以对比的其他年份。"
        raise NotComparable(404, f"{report.region.name}没有{year}年的{report.category.name}。{offer}")
    return chosen
