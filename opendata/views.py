import hashlib
from functools import wraps

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.dateparse import parse_datetime
from django.utils.http import quote_etag, urlencode

from portal.caching import built_from, depends_on
from reports import scopes

from . import openapi, params, selectors, services, throttle
from .errors import ApiError, allow_cross_origin, error_response, from_exception

JSON_OPTIONS = {"ensure_ascii": False, "separators": (",", ":")}


def api_endpoint(view):
    """GET and HEAD only, CORS for any origin, a rate limit per address, ApiError as a JSON 400, and
    an ETag that a client may send back (If-None-Match) to get a 304."""

    @wraps(view)
    def endpoint(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            return _preflight()
        if request.method not in ("GET", "HEAD"):
            response = error_response("method_not_allowed", "开放数据接口只读，只接受 GET 和 HEAD 请求。", status=405)
            response["Allow"] = "GET, HEAD, OPTIONS"
            return response
        allowance = throttle.take(request)
        if not allowance.allowed:
            response = error_response(
                "rate_limited",
                f"请求过于频繁：每个地址每 {settings.API_RATE_WINDOW_SECONDS} 秒最多 {allowance.limit} 次，"
                f"请 {allowance.retry_after} 秒后再试。大量下载请使用批量数据文件（/data/）。",
                status=429,
            )
            response["Retry-After"] = str(allowance.retry_after)
            return response
        try:
            response = view(request, *args, **kwargs)
        except ApiError as error:
            return from_exception(error)
        allow_cross_origin(response)
        if response.status_code == 200:
            response["ETag"] = quote_etag(hashlib.md5(response.content, usedforsecurity=False).hexdigest())
            response = get_conditional_response(request, etag=response["ETag"], response=response)
        return response

    return endpoint


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
    response["Access-Control-Max-Age"] = "86400"
    return allow_cross_origin(response)


def _json(data) -> JsonResponse:
    return JsonResponse(data, json_dumps_params=JSON_OPTIONS, safe=False)


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _list_scope(query: params.ReportQuery) -> str:
    """The narrowest list scope that every report of this answer belongs to (reports.scopes)."""
    if query.q or query.is_sync:
        return scopes.ALL_REPORTS  # search results, and tombstones, come from any report
    if query.region is not None:
        return scopes.within(query.region.pk)
    if query.category is not None and query.big_region is not None:
        return scopes.category_area(query.category.pk, query.big_region.pk)
    if query.category is not None:
        return scopes.category(query.category.pk)
    if query.big_region is not None:
        return scopes.big_region(query.big_region.pk)
    return scopes.ALL_REPORTS


@api_endpoint
def index(request: HttpRequest) -> HttpResponse:
    depends_on(request)
    links = {
        name: request.build_absolute_uri(reverse(f"api:{name}"))
        for name in ("reports", "regions", "categories", "areas", "schema")
    }
    return _json({**links, "downloads": request.build_absolute_uri(reverse("opendata:index"))})


@api_endpoint
def report_list(request: HttpRequest) -> HttpResponse:
    query = params.report_query(request.GET)
    depends_on(request, _list_scope(query))
    site_url = _site_url(request)
    page = (selectors.sync_page if query.is_sync else selectors.reports_page)(query, site_url=site_url)
    body = {"results": page.results, "next_cursor": page.next_cursor, "next": None}
    if page.next_cursor is not None:
        following = request.GET.copy()
        following["cursor"] = page.next_cursor
        body["next"] = request.build_absolute_uri(f"{request.path}?{urlencode(sorted(following.items()))}")
    if query.is_sync:
        body["sync_until"] = page.sync_until
    return _json(body)


@api_endpoint
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    params.check_known(request.GET, frozenset({"body"}))
    body = params.parse_body(params.single(request.GET, "body") or "1")
    depends_on(request, scopes.report_page(pk))
    found = selectors.report(pk, site_url=_site_url(request), body=body)
    if found is not None and found.is_restricted_publication:
        raise ApiError("restricted", "该报告因版权或其他投诉已被屏蔽，依法不予提供。", status=451)
    if found is None or not found.is_public:
        raise ApiError("not_found", f"没有编号为 {pk} 的报告。", status=404)
    return _json(found.record)


@api_endpoint
@built_from(scopes.ALL_REPORTS)
def region_list(request: HttpRequest) -> HttpResponse:
    params.check_known(request.GET, frozenset())
    return _json({"results": selectors.regions_with_counts()})


@api_endpoint
@built_from(scopes.ALL_REPORTS)
def category_list(request: HttpRequest) -> HttpResponse:
    params.check_known(request.GET, frozenset())
    return _json({"results": selectors.categories_with_counts()})


@api_endpoint
@built_from(scopes.ALL_REPORTS)
def area_list(request: HttpRequest) -> HttpResponse:
    params.check_known(request.GET, frozenset())
    return _json({"results": selectors.areas_with_counts()})


@api_endpoint
@built_from()
def schema(request: HttpRequest) -> HttpResponse:
    return _json(openapi.document(server_url=request.build_absolute_uri("/api/v1")))


@built_from(services.DOWNLOADS_SCOPE)
def data_page(request: HttpRequest) -> HttpResponse:
    manifest = services.read_manifest()
    files = sorted((manifest or {}).get("files", []), key=lambda entry: entry["year"], reverse=True)
    api_url = request.build_absolute_uri(reverse("api:index"))
    return render(
        request,
        "opendata/data.html",
        {
            "manifest": manifest,
            "generated_at": parse_datetime(manifest["generated_at"]) if manifest else None,
            "files": files,
            "api_url": api_url,
            "schema_url": request.build_absolute_uri(reverse("api:schema")),
            "manifest_url": request.build_absolute_uri(reverse("opendata:file", args=[services.MANIFEST])),
            "example_file": files[0]["name"] if files else services.file_name(2023),
            "files_url": request.build_absolute_uri(reverse("opendata:file", args=["x"]))[:-1],
            "max_limit": params.MAX_LIMIT,
            "rate_limit": settings.API_RATE_LIMIT,
            "rate_window": settings.API_RATE_WINDOW_SECONDS,
        },
    )


def download(request: HttpRequest, name: str) -> HttpResponse:
    """A file the manifest names, or the manifest itself; anything else is 404."""
    manifest = services.read_manifest()
    entries = {entry["name"]: entry for entry in (manifest or {}).get("files", [])}
    if name != services.MANIFEST and name not in entries:
        raise Http404("没有这个数据文件")
    path = services.root() / name
    try:
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it once sent
    except FileNotFoundError:
        raise Http404("没有这个数据文件") from None
    if name == services.MANIFEST:
        response = FileResponse(handle, content_type="application/json; charset=utf-8")
    else:
        response = FileResponse(handle, as_attachment=True, filename=name, content_type="application/gzip")
        response["ETag"] = quote_etag(entries[name]["sha256"])
        if (not_modified := get_conditional_response(request, etag=response["ETag"])) is not None:
            handle.close()
            return allow_cross_origin(not_modified)
    response["Cache-Control"] = "public, max-age=300"
    return allow_cross_origin(response)
