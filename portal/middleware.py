import hashlib
import logging
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from opendata import errors as api_errors

from . import caching, health
from .client import from_script
from .replicas import PIN_COOKIE

logger = logging.getLogger(__name__)


class RejectNulBytesMiddleware:
    """NUL cannot be stored in PostgreSQL text; any request carrying one in its address is
    answered 400 with an explanation here, instead of failing deep inside a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("QUERY_STRING", "") + request.path
        if "\x00" in raw or "\x00" in unquote(raw):
            if api_errors.is_api_path(request.path):
                return api_errors.site_error(request, 400, "请求地址中含有无效字符（NUL）。")
            return render(request, "400.html", {"reason": "请求地址中含有无效字符（NUL）。"}, status=400)
        return self.get_response(request)


@dataclass(slots=True)
class CachedPage:
    """What the page cache keeps of a response: enough to answer GET, HEAD and revalidations."""

    versions: dict[str, str]
    status: int
    headers: list[tuple[str, str]]
    content: bytes

    @classmethod
    def of(cls, response: HttpResponse, versions: dict[str, str]) -> "CachedPage":
        return cls(versions, response.status_code, list(response.items()), response.content)

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    def response(self, request) -> HttpResponse:
        response = HttpResponse(b"" if request.method == "HEAD" else self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


# Scopes of recently seen pages, so that a hit reads the entry and its versions in one round trip.
# Only a hint: an entry records its own scopes, and a wrong hint costs a second trip.
SCOPE_HINTS = 50_000
_scope_hints: OrderedDict[str, tuple[str, ...]] = OrderedDict()

# Where the WSGI front (CachedPageApplication) leaves what it read for a miss, so that the middleware
# renders the page without reading the entry and its versions a second time.
LOOKED_UP = "portal.page_cache.looked_up"
# Request headers that may turn a stored page into a 304 or 412 (django.utils.cache.get_conditional_response).
CONDITIONAL = ("HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE")


def _hint(key: str, scopes: tuple[str, ...]) -> None:
    _scope_hints[key] = scopes
    _scope_hints.move_to_end(key)
    if len(_scope_hints) > SCOPE_HINTS:
        _scope_hints.popitem(last=False)


def page_key(request) -> str | None:
    """The cache key of a request the page cache may answer, or None."""
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or request.path.startswith(settings.STATIC_URL):
        return None
    if PIN_COOKIE in request.COOKIES:
        return None  # the reader has just written and must see it (portal.replicas)
    if request.path in health.PROBE_PATHS:
        return None  # a probe must not read the cache, which may live in the database
    if from_script(request):
        return None  # a comment form's tokens, a new captcha: never a shared page
    try:
        address = request.build_absolute_uri()
    except DisallowedHost:
        return None
    return f"page:{caching.release()}:" + hashlib.sha256(address.encode()).hexdigest()


def look_up(key: str) -> tuple[CachedPage | None, dict[str, str | None]]:
    """The entry if it is current, and the versions read (None where unset)."""
    entry, versions = caching.get_with_versions(key, _scope_hints.get(key, (caching.SITE,)))
    if entry is None:
        return None, versions
    if versions.keys() != entry.versions.keys():
        _, versions = caching.get_with_versions(key, entry.versions)
        _hint(key, tuple(entry.versions))
    return (entry if versions == entry.versions else None), versions


def answer(request, entry: CachedPage, outcome: str) -> HttpResponse:
    """The stored page, or 304 when the client's copy is current; HEAD gets the headers alone."""
    not_modified = get_conditional_response(
        request, etag=entry.header("ETag"), last_modified=parse_http_date_safe(entry.header("Last-Modified"))
    )
    if not_modified is not None:
        for name in ("Cache-Control", "Surrogate-Key"):
            not_modified[name] = entry.header(name)
        response = not_modified
    else:
        response = entry.response(request)
    response["X-Page-Cache"] = outcome
    return response


class CachedPageApplication:
    """The WSGI application in front of Django's: a current page is answered from the shared cache
    before Django builds its request and runs any middleware (hits cost about what a static file
    does). Everything else, and anything unexpected here, goes on to Django, where
    PageCacheMiddleware renders and stores the page."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        try:
            request = WSGIRequest(environ)
            key = page_key(request)
            if key is not None:
                entry, versions = look_up(key)
                if entry is not None:
                    if request.method == "GET" and not any(name in environ for name in CONDITIONAL):
                        # The common case, straight from the entry: its headers were made by Django.
                        start_response("200 OK", [*entry.headers, ("X-Page-Cache", "hit")])
                        return [entry.content]
                    response = answer(request, entry, "hit")
                    start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
                    return [response.content]
                environ[LOOKED_UP] = (key, versions)
        except caching.CacheUnavailable:
            environ.pop(LOOKED_UP, None)  # the middleware says so in the log, and renders
        except Exception:
            logger.exception("page cache front failed for %s; Django answers", environ.get("PATH_INFO"))
            environ.pop(LOOKED_UP, None)
        return self.application(environ, start_response)


class PageCacheMiddleware:
    """Whole responses of anonymous GET pages, served from the shared cache before sessions, CSRF
    and authentication do any work (under gunicorn, CachedPageApplication answers hits even before).

    Only pages whose view declared what they are built from (portal.caching.depends_on) are kept,
    only from and for requests without a session cookie or credentials, and never a response that
    sets a cookie, is private or not a 200. Each entry is checked against the current versions of
    its scopes, so a change is seen on the very next request. Answers revalidations (ETag,
    Last-Modified) with 304 without rendering. First in MIDDLEWARE, so that a stored page keeps the
    headers every other middleware adds.
    """

    NOT_SHARED = ("private", "no-store", "no-cache")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = page_key(request)
        if key is None:
            # Not a page the cache keeps (a post, a signed-in editor): its shared lookups still read
            # each version once, so a comment's post reads four of them in one round trip, not four.
            with caching.request_versions({}):
                return self.get_response(request)
        looked_up = request.META.pop(LOOKED_UP, None)
        try:
            if looked_up is not None and looked_up[0] == key:
                versions = looked_up[1]
            else:
                entry, versions = look_up(key)
                if entry is not None:
                    return answer(request, entry, "hit")
        except caching.CacheUnavailable:
            # Pages are rendered as if there were no cache until it is back.
            logger.warning("cache unavailable: %s rendered without the page cache", request.path)
            return self.get_response(request)
        with caching.request_versions(versions):
            return self._render(request, key)

    def _render(self, request, key: str) -> HttpResponse:
        request.page_cache_versions = caching.current_versions([caching.SITE])
        response = self.get_response(request)
        if not self._storable(request, response):
            return response
        self._prepare(response, request.page_cache_versions, get_nonce(request))
        entry = CachedPage.of(response, request.page_cache_versions)
        try:
            caching.store(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
        except caching.CacheUnavailable:
            return answer(request, entry, "miss")
        _hint(key, tuple(entry.versions))
        return answer(request, entry, "miss")

    def _storable(self, request, response) -> bool:
        if not hasattr(request, "page_cache_versions"):
            return False  # the cache went away while the page was built
        cache_control = response.get("Cache-Control", "")
        return (
            getattr(request, "page_cache_declared", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(word in cache_control for word in self.NOT_SHARED)
        )

    @staticmethod
    def _prepare(response: HttpResponse, versions: dict, nonce) -> None:
        """Validators for revalidation, and the headers a CDN in front needs: a short shared
        lifetime, and the scopes as surrogate keys to purge by.

        The ETag leaves out the Content-Security-Policy nonce, new at every render: a page rendered
        again with the same content keeps its validator, so crawlers still get 304. A 304 carries
        no policy, so the client keeps the one that matches the nonces of the copy it has."""
        content = response.content
        if nonce:
            content = content.replace(str(nonce).encode(), b"")
        response["ETag"] = quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest())
        response["Last-Modified"] = http_date()
        patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_SHARED_MAX_AGE)
        response["Surrogate-Key"] = " ".join(versions)
