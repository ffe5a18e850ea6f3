"""Health checks for the process manager and the load balancer (README, "Deploying").

/healthz: the process is alive and answers; it reads nothing, so a database or cache outage never
gets a healthy app server restarted. /readyz: this app server can serve the site: the database
answers, every migration is applied, the cache answers; JSON with each check, 503 with Retry-After
while any fails, so the load balancer sends readers elsewhere.

Answered by a middleware placed first, not by a URL: load balancers probe an app server by its own
address over plain HTTP, which the host check (ALLOWED_HOSTS) and the HTTPS redirect would refuse.
The WSGI front leaves these paths alone too (portal.middleware.page_key), so that a probe never reads
the page cache, which by default lives in the database.
"""

import logging
import secrets
from collections.abc import Callable

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

from .replicas import replica_states

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
PROBE_PATHS = frozenset({LIVENESS_PATH, READINESS_PATH})

RETRY_AFTER_SECONDS = 10

logger = logging.getLogger(__name__)

# Set once every migration was seen applied: code and migrations only change with a new process, so
# later probes skip loading the migration graph.
_migrations_applied = False


class CheckFailed(Exception):
    """A readiness check failed; the message says why, for the operator reading /readyz."""


def check_database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def check_migrations() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in plan[:3])
        raise CheckFailed(f"{len(plan)} unapplied: {names}{' …' if len(plan) > 3 else ''}")
    _migrations_applied = True


def check_cache() -> None:
    # A write as well as a read: a cache that only reads (a Redis replica, a full disk) cannot keep
    # the page cache's versions current.
    token = secrets.token_hex(8)
    cache.set("health:probe", token, timeout=60)
    if cache.get("health:probe") != token:
        raise CheckFailed("the value written was not read back")


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "migrations": check_migrations,
    "cache": check_cache,
}


def run_checks() -> dict[str, dict[str, object]]:
    """Each check's outcome; a failing one never stops the others."""
    results: dict[str, dict[str, object]] = {}
    for name, check in CHECKS.items():
        if name == "migrations" and not results["database"]["ok"]:
            results[name] = {"ok": False, "error": "database unavailable"}
            continue
        try:
            check()
        except CheckFailed as failure:
            results[name] = {"ok": False, "error": str(failure)}
        except Exception as error:  # a probe reports every failure, it never becomes a 500
            # The answer may be public: the class only; the message (host names, ports) goes to the log.
            logger.warning("readiness check %s failed: %r", name, error)
            results[name] = {"ok": False, "error": type(error).__name__}
        else:
            results[name] = {"ok": True}
    return results


def liveness() -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def readiness() -> HttpResponse:
    checks = run_checks()
    ready = all(result["ok"] for result in checks.values())
    # Reported, never a reason to be unready: the primary serves what a skipped replica would.
    replicas = {alias: {"ok": healthy} for alias, healthy in replica_states().items()}
    response = JsonResponse({"ready": ready, "checks": checks, "replicas": replicas}, status=200 if ready else 503)
    if not ready:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class HealthCheckMiddleware:
    """First in MIDDLEWARE: answers the probes before any other middleware runs."""

    ANSWERS = {LIVENESS_PATH: liveness, READINESS_PATH: readiness}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = self.ANSWERS.get(request.path_info)
        if probe is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        response = probe()
        add_never_cache_headers(response)
        return response
