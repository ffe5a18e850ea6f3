import hashlib
import logging
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from . import caching

logger = logging.getLogger(__name__)


class RejectNulBytesMiddleware:
    """NUL cannot be stored in PostgreSQL text; any request carrying one in its address is
    answered 400 with an explanation here, instead of failing deep inside a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("QUERY_STRING", "") + request.path
        if "\x00" in raw or "\x00" in unquote(raw):
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


class PageCacheMiddleware:
    """Whole responses of anonymous GET pages, served from the shared cache before sessions, CSRF
    and authentication do any work.

    Only pages whose view declared what they are built from (portal.caching.depends_on) are kept,
    only from and for requests without a session cookie or credentials, and never a response that
    sets a cookie, is private or not a 200. Each entry is checked against the current versions of
    its scopes, so a change is seen on the very next request. Answers revalidations (ETag,
    Last-Modified) with 304 without rendering.
    """

    NOT_SHARED = ("private", "no-store", "no-cache")

    # Scopes of recently seen pages, so that a hit reads the entry and its versions in one round
    # trip. Only a hint: an entry records its own scopes, and a wrong hint costs a second trip.
    SCOPE_HINTS = 50_000

    def __init__(self, get_response):
        self.get_response = get_response
        self._scope_hints: OrderedDict[str, tuple[str, ...]] = OrderedDict()

    def __call__(self, request):
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        try:
            entry, versions = caching.get_with_versions(key, self._scope_hints.get(key, (caching.SITE,)))
            if entry is not None:
                if versions.keys() != entry.versions.keys():
                    _, versions = caching.get_with_versions(key, entry.versions)
                    self._hint(key, tuple(entry.versions))
                if versions == entry.versions:
                    return self._answer(request, entry, "hit")
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
        self._prepare(response, request.page_cache_versions)
        entry = CachedPage.of(response, request.page_cache_versions)
        try:
            caching.store(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
        except caching.CacheUnavailable:
            return self._answer(request, entry, "miss")
        self._hint(key, tuple(entry.versions))
        return self._answer(request, entry, "miss")

    def _hint(self, key: str, scopes: tuple[str, ...]) -> None:
        self._scope_hints[key] = scopes
        self._scope_hints.move_to_end(key)
        if len(self._scope_hints) > self.SCOPE_HINTS:
            self._scope_hints.popitem(last=False)

    @staticmethod
    def _key(request) -> str | None:
        if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None
        try:
            address = request.build_absolute_uri()
        except DisallowedHost:
            return None
        return "page:" + hashlib.sha256(address.encode()).hexdigest()

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
    def _prepare(response: HttpResponse, versions: dict) -> None:
        """Validators for revalidation, and the headers a CDN in front needs: a short shared
        lifetime, and the scopes as surrogate keys to purge by."""
        response["ETag"] = quote_etag(hashlib.md5(response.content, usedforsecurity=False).hexdigest())
        response["Last-Modified"] = http_date()
        patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_SHARED_MAX_AGE)
        response["Surrogate-Key"] = " ".join(versions)

    @staticmethod
    def _answer(request, entry: CachedPage, outcome: str) -> HttpResponse:
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
