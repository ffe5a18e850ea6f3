from captcha.helpers import captcha_image_url
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from reports import scopes, selectors

from . import captcha
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


def captcha_refresh(request: HttpRequest) -> JsonResponse:
    """ "换一张" (static/js/captcha.js): a new captcha for this client, in place of simple-captcha's
    own view at the same address, which would add a row on every click."""
    if request.headers.get("x-requested-with") != "XMLHttpRequest":
        raise Http404("没有这个页面")
    key = captcha.draw(client=captcha.client_of(request), reuse=False)
    response = JsonResponse({"key": key, "image_url": captcha_image_url(key), "audio_url": None})
    add_never_cache_headers(response)
    return response
