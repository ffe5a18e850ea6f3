from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from comments import selectors as comment_selectors
from portal.caching import built_from, depends_on
from portal.replicas import without_pin
from takedowns.responses import restricted_report_response

from . import charts, scopes, selectors, services, visits
from .models import BigRegion, Category, Region, ReportStatus
from .pagination import paginate


def _report_list(request: HttpRequest, template: str, list_filter: selectors.ListFilter, **context) -> HttpResponse:
    page = paginate(
        list_filter.reports(),
        total=list_filter.total(),
        page=request.GET.get("page"),
        per_page=settings.REPORTS_PER_PAGE,
    )
    return render(request, template, {"page": page, "filter": list_filter, **context})


def category_list(request: HttpRequest, category: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=category)
    depends_on(request, scopes.category(category.pk))
    list_filter = selectors.ListFilter(category=category, year=selectors.parse_year(request.GET.get("year")))
    return _report_list(request, "reports/category.html", list_filter, category=category)


def category_area_list(request: HttpRequest, category: str, area: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=category)
    big_region = get_object_or_404(BigRegion, slug=area)
    depends_on(request, scopes.category_area(category.pk, big_region.pk))
    list_filter = selectors.ListFilter(
        category=category, big_region=big_region, year=selectors.parse_year(request.GET.get("year"))
    )
    return _report_list(request, "reports/category.html", list_filter, category=category)


@built_from(scopes.ALL_REPORTS)
def region_index(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/region_index.html", {"areas": selectors.big_regions_with_provinces()})


def big_region_detail(request: HttpRequest, area: str) -> HttpResponse:
    big_region = get_object_or_404(BigRegion, slug=area)
    depends_on(request, scopes.big_region(big_region.pk))
    category = _category_from_query(request)
    list_filter = selectors.ListFilter(
        big_region=big_region, category=category, year=selectors.parse_year(request.GET.get("year"))
    )
    provinces = next(p for b, p in selectors.big_regions_with_provinces() if b == big_region)
    return _report_list(
        request,
        "reports/big_region.html",
        list_filter,
        big_region=big_region,
        provinces=provinces,
    )


def region_detail(request: HttpRequest, area: str, slug: str) -> HttpResponse:
    region = get_object_or_404(
        Region.objects.select_related("big_region", "province__big_region", "prefecture__big_region"), slug=slug
    )
    if region.big_region.slug != area:
        return redirect(region, permanent=True)
    depends_on(request, scopes.within(region.pk))
    category = _category_from_query(request)
    counts = selectors.region_tallies(region)
    list_filter = selectors.ListFilter(
        region=region, category=category, year=selectors.parse_year(request.GET.get("year")), region_counts=counts
    )
    children = selectors.children_with_counts(region) if region.level < 3 else []
    return _report_list(
        request,
        "reports/region.html",
        list_filter,
        region=region,
        children=children,
        chart=charts.year_chart(counts, selectors.navigation().categories),
    )


def _category_from_query(request: HttpRequest) -> Category | None:
    slug = request.GET.get("category", "")
    if not slug or not slug.isascii():
        return None
    return Category.objects.filter(slug=slug[:32]).first()


def report_detail(request: HttpRequest, category: str, area: str, pk: int) -> HttpResponse:
    depends_on(request, scopes.report_page(pk))
    report = selectors.report_for_article(pk)
    if report is None:
        raise Http404("没有这篇报告")
    if not report.is_public:
        return _unpublished_report(request, report)
    if (category, area) != (report.category.slug, report.big_region.slug):
        return redirect(report, permanent=True)
    depends_on(request, *scopes.article(report))
    lists = selectors.article_lists(report)
    return render(
        request,
        "reports/article.html",
        {
            "report": report,
            "previous": lists.previous,
            "following": lists.following,
            "related": lists.related,
            "comments": comment_selectors.comment_section(report=report),
        },
    )


def _unpublished_report(request: HttpRequest, report) -> HttpResponse:
    """Drafts and withdrawn reports: a preview for staff, 404 for everyone else. A published report
    restricted after a copyright notice answers 451 for everyone."""
    if report.status == ReportStatus.PUBLISHED and report.is_restricted:
        return restricted_report_response(request, report)
    if not (request.user.is_authenticated and request.user.is_staff):
        raise Http404("没有这篇报告")
    response = render(request, "reports/article.html", {"report": report, "preview": True, "related": []})
    patch_cache_control(response, private=True, no_store=True)
    return response


@without_pin  # a cookie-less beacon: the reader reads no count back, the article stays cached
@csrf_exempt  # a cookie-less beacon from a cacheable page; it can only add one to a counter
@require_POST
def record_view(request: HttpRequest, pk: int) -> JsonResponse:
    """Counts the visit if it is a reader's first in the window (reports.visits); shows the total either way."""
    if visits.counts_as_view(request, pk):
        views = services.report_record_view(report_id=pk)
    else:
        views = selectors.report_views(pk)
    if views is None:
        return JsonResponse({"error": "没有这篇报告"}, status=404)
    return JsonResponse({"views": views})
