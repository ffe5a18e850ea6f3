"""Request bodies larger than their address allows are refused before anything reads them.

Django reads a form body when something first asks for request.POST, and CsrfViewMiddleware asks
for every POST; a multipart body is spooled to disk on the way. So the declared Content-Length is
checked here, ahead of every middleware that could read the body, against the limit of the URL
namespace it is sent to (settings.REQUEST_BODY_LIMITS), and everything else against
DATA_UPLOAD_MAX_MEMORY_SIZE. A request that declares more than it sends is answered at once, not
after waiting for bytes that never come.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers

MEGABYTE = 1024 * 1024


def declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # Django reads no body it cannot size


def body_limit(path: str) -> int:
    """The largest body a request to `path` may send."""
    try:
        namespaces = resolve(path).namespaces
    except Resolver404:
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    limits = [settings.REQUEST_BODY_LIMITS[name] for name in namespaces if name in settings.REQUEST_BODY_LIMITS]
    return max(limits, default=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def too_big(request: HttpRequest, limit: int | None = None) -> HttpResponse:
    """413 in Chinese, naming the limit; the body is left unread."""
    limit = body_limit(request.path_info) if limit is None else limit
    megabytes = max(round(limit / MEGABYTE), 1)
    response = render(request, "413.html", {"limit_megabytes": megabytes}, status=413)
    add_never_cache_headers(response)
    return response


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = declared_length(request)
        # Most requests carry no body or a small one and never need the URL resolved.
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            limit = body_limit(request.path_info)
            if length > limit:
                return too_big(request, limit)
        return self.get_response(request)
