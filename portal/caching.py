"""Versioned scopes in the shared cache: how cached pages and lookups stay exact.

A scope names a slice of the data that pages are built from: "site" (settings, categories, regions,
comment settings), one report with its comments ("report:5618"), or one list ("category:3",
"within:433101" …). Each scope has a version in the shared cache. Whatever is cached records the
versions of the scopes it was built from, read *before* the data; the services that change data
bump the versions of the scopes they touch (see invalidate for when). A cached value
whose recorded versions differ from the current ones is stale and built again. Bumping is a write
of a few keys, whatever the number of pages that depend on them. Design note: docs/caching.md.
"""

import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache as memoise
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.module_loading import import_string
from redis.exceptions import RedisError

SITE = "site"
VERSION_PREFIX = "v:"
logger = logging.getLogger(__name__)

# What a cache that is down or unreachable raises: Redis or Valkey, or the database holding the
# default cache table (dbcache://), whose outage must not turn a cache read into an error page.
CacheUnavailable = (RedisError, OperationalError, InterfaceError)


def _version_key(scope: str) -> str:
    return VERSION_PREFIX + scope


@dataclass
class VersionReads:
    """The versions one request has read, each scope once, and the versions it is the first to give
    out (to scopes never bumped, or evicted). Those are written with add() when the page is stored:
    a request that lost the race to another one built its page under a version that never became
    current, so the page is simply never a hit. Bumps always overwrite, so no stale page survives."""

    known: dict[str, str] = field(default_factory=dict)
    given_out: dict[str, str] = field(default_factory=dict)
    newest_bump: int = 0  # when the most recently bumped of the known versions was bumped

    def learn(self, found: dict[str, str | None]) -> None:
        for scope, version in found.items():
            if version is None:
                version = self.given_out[scope] = secrets.token_hex(8)
            self.known[scope] = version
            self.newest_bump = max(self.newest_bump, bumped_at(version))

    def forget(self, scopes: Iterable[str]) -> None:
        for scope in scopes:
            self.known.pop(scope, None)
            self.given_out.pop(scope, None)


_reads: ContextVar[VersionReads | None] = ContextVar("portal_cache_version_reads", default=None)

# Site-wide lookups this process has already built, with the versions they were built from: checked
# against the versions the request read anyway, so a hit costs no round trip and stays exact.
_lookups: dict[str, tuple[dict[str, str], Any]] = {}


@contextmanager
def request_versions(found: dict[str, str | None]):
    """Within a request the page cache looks after: versions read once, starting with `found`."""
    reads = VersionReads()
    reads.learn(found)
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)
        if reads.given_out:
            with suppress(CacheUnavailable):
                _add_versions(reads.given_out)


def _add_versions(versions: dict[str, str]) -> None:
    for scope, version in versions.items():
        cache.add(_version_key(scope), version, timeout=None)


def store(key: str, value: Any, timeout: int) -> None:
    """Set `key`, and give out the versions the current request created, in one round trip where
    the backend allows it (portal.redis_cache.RedisCache.add_many_and_set)."""
    reads = _reads.get()
    given_out = {} if reads is None else reads.given_out
    versions = {_version_key(scope): version for scope, version in given_out.items()}
    if hasattr(cache, "add_many_and_set"):
        cache.add_many_and_set(versions, {key: value}, timeout=timeout)
    else:
        _add_versions(given_out)
        cache.set(key, value, timeout=timeout)
    given_out.clear()


def current_versions(scopes: Iterable[str]) -> dict[str, str]:
    """The version of each scope; a scope never bumped (or evicted) gets one now."""
    scopes = list(dict.fromkeys(scopes))
    reads = _reads.get()
    if reads is not None:
        unknown = [scope for scope in scopes if scope not in reads.known]
        if unknown:
            found = cache.get_many([_version_key(scope) for scope in unknown])
            reads.learn({scope: found.get(_version_key(scope)) for scope in unknown})
        return {scope: reads.known[scope] for scope in scopes}
    found = cache.get_many([_version_key(scope) for scope in scopes])
    versions = {}
    for scope in scopes:
        version = found.get(_version_key(scope))
        if version is None:
            # add() keeps a version another process set meanwhile; read back whichever won.
            cache.add(_version_key(scope), secrets.token_hex(8), timeout=None)
            version = cache.get(_version_key(scope))
        versions[scope] = version
    return versions


def get_with_versions(key: str, scopes: Iterable[str]) -> tuple[Any, dict[str, str | None]]:
    """A cached value and the current versions of `scopes` (None where unset), in one round trip."""
    scopes = list(scopes)
    found = cache.get_many([key, *(_version_key(scope) for scope in scopes)])
    return found.get(key), {scope: found.get(_version_key(scope)) for scope in scopes}


def _bumped_version() -> str:
    # The time in the version lets a request tell that data it is built from changed moments ago,
    # so that it reads from the primary, not a replica that may not have replayed the change yet.
    return f"{int(time.time())}-{secrets.token_hex(8)}"


def bumped_at(version: str) -> int:
    """When a version was given by a bump (Unix seconds), 0 for one never bumped."""
    stamp, dash, _ = version.partition("-")
    return int(stamp) if dash and stamp.isdigit() else 0


def changed_within(seconds: float) -> bool:
    """Whether a scope the current request read the version of was bumped in the last `seconds`."""
    reads = _reads.get()
    return reads is not None and reads.newest_bump > time.time() - seconds


def invalidate(*scopes: str) -> None:
    """Make everything built from these scopes stale, on every process sharing the cache.

    Bumped twice: now, so that the writer's own transaction (and a test, which never commits) sees
    the change at once; and again once the transaction commits, because until then other readers
    still see the old data and may have cached it under the first new version."""
    scopes = tuple(dict.fromkeys(scope for scope in scopes if scope))
    if not scopes:
        return
    if (reads := _reads.get()) is not None:
        reads.forget(scopes)

    def bump() -> None:
        try:
            cache.set_many({_version_key(scope): _bumped_version() for scope in scopes}, timeout=None)
        except CacheUnavailable:
            # The write itself must not fail for it. A cache that restarts empty holds nothing stale;
            # one that was only unreachable keeps its pages until they expire (PAGE_CACHE_SECONDS).
            logger.exception("cache unavailable: scopes %s not invalidated", ", ".join(scopes))
            return
        _purge_hook()(list(scopes))

    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump, robust=True)


@memoise
def release() -> str:
    """What code and templates this process serves, as a short digest: part of the key of every
    cached page and lookup, so that a deploy never serves pages rendered by the code before it
    (versions stay shared: an edit on an app server still running the old code reaches the new).
    DJANGO_RELEASE (e.g. the commit) names it; otherwise the project's source files are hashed."""
    if settings.RELEASE:
        return settings.RELEASE
    digest = hashlib.sha256()
    suffixes = {".py", ".html", ".txt", ".xml", ".css", ".js", ".svg"}
    roots = [Path(settings.BASE_DIR) / name for name in RELEASE_SOURCES]
    for path in sorted(p for root in roots if root.exists() for p in root.rglob("*") if p.suffix in suffixes):
        digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# The folders whose files make what a page looks like (tests and benchmarks do not).
RELEASE_SOURCES = (
    *("portal", "reports", "comments", "takedowns", "search", "outbox", "templates", "static"),
    *("compare", "documents", "opendata", "backoffice"),
)


@memoise
def _purge_hook() -> Callable[[list[str]], None]:
    return import_string(settings.PAGE_CACHE_PURGE_HOOK)


def purge_nothing(scopes: list[str]) -> None:
    """The default purge hook. A CDN or Varnish in front purges by the Surrogate-Key header that
    cached pages carry: point PAGE_CACHE_PURGE_HOOK at a function that sends these keys to it."""


def cached_lookup(name: str, scopes: Iterable[str], compute: Callable[[], Any], *, timeout: int = 3600) -> Any:
    """`compute()` shared by every process, recomputed when one of `scopes` changes. The value and
    the versions not yet read are fetched in one round trip; within a page-cached request, a value
    this process built under the same versions costs none."""
    scopes = [SITE, *scopes]
    key = f"lookup:{release()}:{name}"
    reads = _reads.get()
    try:
        if reads is None:
            entry, versions = get_with_versions(key, scopes)
            if entry is not None and None not in versions.values() and entry[0] == versions:
                return entry[1]
            versions = current_versions(scopes)
        else:
            entry = None
            if unknown := [scope for scope in scopes if scope not in reads.known]:
                entry, found = get_with_versions(key, unknown)
                reads.learn(found)
            versions = {scope: reads.known[scope] for scope in scopes}
            built = _lookups.get(name)
            if built is not None and built[0] == versions:
                return built[1]
            if not unknown:
                entry = cache.get(key)
            if entry is not None and entry[0] == versions:
                _lookups[name] = entry
                return entry[1]
    except CacheUnavailable:
        logger.warning("cache unavailable: %s computed without it", name)
        return compute()
    value = compute()
    with suppress(CacheUnavailable):
        cache.set(key, (versions, value), timeout=timeout)
    if reads is not None:
        _lookups[name] = (versions, value)
    return value


def sitewide(name: str, build: Callable[[], Any]) -> Any:
    """`build()` kept by this process until the site scope changes: for what every page shows the
    same (the header's navigation, the footer). Checked against the site version the request read
    anyway, so it costs no round trip; outside a page-cached request it is simply built."""
    reads = _reads.get()
    if reads is None or SITE not in reads.known:
        return build()
    versions = {SITE: reads.known[SITE]}
    built = _lookups.get(name)
    if built is None or built[0] != versions:
        built = _lookups[name] = (versions, build())
    return built[1]


def depends_on(request, *scopes: str) -> None:
    """Mark the page being built as one the page cache may keep, built from `scopes` besides the
    site-wide one. Call it before reading the data the scopes cover: their versions are read now."""
    versions = getattr(request, "page_cache_versions", None)
    if versions is None:
        return  # not a request the page cache looks after (a session, a POST, a cache that is down)
    try:
        versions.update(current_versions(scopes))
    except CacheUnavailable:
        del request.page_cache_versions
        return
    request.page_cache_declared = True


def built_from(*scopes: str):
    """View decorator: depends_on(request, *scopes) before the view runs."""

    def decorator(view):
        @wraps(view)
        def cacheable_view(request, *args, **kwargs):
            depends_on(request, *scopes)
            return view(request, *args, **kwargs)

        return cacheable_view

    return decorator


def _site_changed(sender, **kwargs) -> None:
    invalidate(SITE)


def invalidate_site_on_change(*models) -> None:
    """Settings and reference data (regions, categories …) show on every page: any saved or
    deleted row of these models makes every cached page stale."""
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(_site_changed, sender=model, dispatch_uid=f"site-cache:{model._meta.label}")
