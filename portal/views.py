from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reports import scopes, selectors

from .caching import built_from


@built_from(scopes.ALL_REPORTS)
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home.html",
        {"sections": selectors.latest_by_category(), "areas": selectors.big_regions_with_provinces()},
    )


def _error_page(template: str, status: int):
    def view(request: HttpRequest, exception=None) -> HttpResponse:
        return render(request, template, status=status)

    return view


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = "页面已过期或浏览器未保存本站的 Cookie，表单无法提交。请刷新页面后重试。"
    return render(request, "403.html", {"reason": message}, status=403)


bad_request = _error_page("400.html", 400)
permission_denied = _error_page("403.html", 403)
page_not_found = _error_page("404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({"request": None}), status=500)
