from django.conf import settings
from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from opendata import errors as api_errors
from reports import scopes, selectors

from . import captcha, csp_reports, outage
from .caching import built_from
from .client import from_script


@built_from(scopes.ALL_REPORTS)
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home.html",
        {"sections": selectors.latest_by_category(), "areas": selectors.big_regions_with_provinces()},
    )


def _error_page(template: str, status: int):
    def view(request: HttpRequest, exception=None) -> HttpResponse:
        if api_errors.is_api_path(request.path):
            return api_errors.site_error(request, status)
        return render(request, template, status=status)

    return view


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = "页面已过期或浏览器未保存本站的 Cookie，表单无法提交。请刷新页面后重试。"
    return render(request, "403.html", {"reason": message}, status=403)


# Why a request was refused, for the 400 page (which adds what to do).
BAD_REQUEST_REASONS = {
    DisallowedHost: "请求中的网站地址（Host）不属于本站。",
    TooManyFieldsSent: f"地址或表单中的参数太多（最多 {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} 个）。",
    TooManyFilesSent: f"一次上传的文件太多（最多 {settings.DATA_UPLOAD_MAX_NUMBER_FILES} 个）。",
    RequestDataTooBig: f"表单中的文字太长（附件以外最多约 {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024} KB）。",
}


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    reason = next((text for kind, text in BAD_REQUEST_REASONS.items() if isinstance(exception, kind)), None)
    if api_errors.is_api_path(request.path):
        return api_errors.site_error(request, 400, reason)
    return render(request, "400.html", {"reason": reason} if reason else {}, status=400)


permission_denied = _error_page("403.html", 403)
page_not_found = _error_page("404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if api_errors.is_api_path(request.path):
        return api_errors.site_error(request, 503 if outage.database_unavailable() else 500)
    if outage.database_unavailable():
        return outage.service_unavailable(request)
    # No context processors: the database may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({"request": None}), status=500)


@csrf_exempt  # browsers send reports without cookies or tokens; a report changes nothing but the log
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Content-Security-Policy violations that browsers report (settings.CSP_REPORT_URI)."""
    length = request.headers.get("Content-Length", "")
    declared = int(length) if length.isascii() and length.isdigit() else 0  # no body Django could read
    if declared > csp_reports.MAX_REPORT_BYTES:
        return HttpResponse("报告过大。", status=413, content_type="text/plain; charset=utf-8")
    try:
        violations = csp_reports.parse(request.read(declared))
    except csp_reports.InvalidReport:
        return HttpResponse("不是有效的 CSP 违规报告。", status=400, content_type="text/plain; charset=utf-8")
    for violation in violations:
        violation.log()
    return HttpResponse(status=204)


def captcha_refresh(request: HttpRequest) -> JsonResponse:
    """ "换一张" (static/js/captcha.js): a new captcha for this client, in place of simple-captcha's
    own view at the same address, which would add a row on every click."""
    if not from_script(request):
        raise Http404("没有这个页面")
    key = captcha.draw(client=captcha.client_of(request), reuse=False)
    response = JsonResponse({**captcha.for_script(key), "audio_url": None})
    add_never_cache_headers(response)
    return response
