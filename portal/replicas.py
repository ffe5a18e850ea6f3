"""Which database the reads of a request go to: a read replica for anonymous readers, the primary
for everyone and everything else (portal.routers.ReplicaRouter asks here).

Only anonymous GET and HEAD requests may read from a replica (ReplicaReadsMiddleware), and only
when the reader has not just written: a request that changed something pins its reader to the
primary for REPLICA_PIN_SECONDS with a signed cookie, so they see their own comment at once.
Commands, workers and tests never enter a request, so they read from the primary.

A replica that does not answer, or replays more than REPLICA_MAX_LAG_SECONDS behind, is skipped
with a log line; its state is checked at most every few seconds per process, so the check is not
a query per request (REPLICA_CHECK_SECONDS). A replica that fails in the middle of a request has that request answered
again from the primary. Pages whose scopes changed within the lag bound are read from the primary
(see portal.caching.changed_within), so the page cache never keeps a page a replica built from
rows older than the versions it is stored under.
"""

import logging
import random
import time
from collections.abc import Callable
from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router

from . import caching

logger = logging.getLogger(__name__)

PIN_COOKIE = "pin_primary"
_PIN_SALT = "portal.replicas.pin"
# Addresses whose reads always go to the primary even for anonymous readers: they write on GET
# (a captcha for the comment form) or are part of handling takedowns.
PRIMARY_PATHS = ("/admin/", "/captcha/", "/comments/", "/takedown/")

# The replica this request reads from, or None for the primary (the default outside requests).
_replica: ContextVar[str | None] = ContextVar("portal_read_replica", default=None)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias != DEFAULT_DB_ALIAS]


def read_alias() -> str:
    """The database alias the current reads go to."""
    alias = _replica.get()
    if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS  # inside a transaction on the primary, reads see its writes
    if caching.changed_within(settings.REPLICA_MAX_LAG_SECONDS + settings.REPLICA_CHECK_SECONDS):
        return DEFAULT_DB_ALIAS
    return alias


def read_connection(model):
    """The connection for raw SQL that reads `model`, routed like the ORM's reads of it."""
    return connections[router.db_for_read(model)]


@dataclass
class Health:
    checked_at: float
    healthy: bool


_health: dict[str, Health] = {}

# Streaming and caught up (everything received is replayed), or the last replayed commit recent
# enough: an idle primary commits nothing, so the replay timestamp alone would call it lagging.
HEALTH_SQL = """
    SELECT NOT pg_is_in_recovery()
        OR (pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
            AND NOT pg_is_wal_replay_paused()
            -- its status is NULL to a role without pg_read_all_stats; the row exists while it runs
            AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status IS NULL OR status = 'streaming'))
        OR COALESCE(now() - pg_last_xact_replay_timestamp() <= make_interval(secs => %s), false)
"""


def _check(alias: str) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(HEALTH_SQL, [settings.REPLICA_MAX_LAG_SECONDS])
            healthy = cursor.fetchone()[0]
    except DatabaseError as error:
        logger.warning("read replica %s unavailable, reads go to the primary: %s", alias, error)
        _close(alias)
        return False
    if not healthy:
        logger.warning(
            "read replica %s lags more than %s s behind, reads go to the primary",
            alias,
            settings.REPLICA_MAX_LAG_SECONDS,
        )
    return healthy


def _close(alias: str) -> None:
    with suppress(DatabaseError):
        connections[alias].close()


def replica_states() -> dict[str, bool]:
    """Whether each replica may serve reads now, from a check at most REPLICA_CHECK_SECONDS old."""
    now = time.monotonic()
    states = {}
    for alias in replica_aliases():
        state = _health.get(alias)
        if state is None or now - state.checked_at >= settings.REPLICA_CHECK_SECONDS:
            state = _health[alias] = Health(now, _check(alias))
        states[alias] = state.healthy
    return states


def healthy_replicas() -> list[str]:
    return [alias for alias, healthy in replica_states().items() if healthy]


def mark_unavailable(alias: str) -> None:
    _health[alias] = Health(time.monotonic(), False)
    _close(alias)


def forget_health() -> None:
    _health.clear()


def may_read_from_replica(request) -> bool:
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or request.path.startswith(PRIMARY_PATHS):
        return False
    return not is_pinned(request)


def is_pinned(request) -> bool:
    if PIN_COOKIE not in request.COOKIES:
        return False
    pinned = request.get_signed_cookie(PIN_COOKIE, default=None, salt=_PIN_SALT, max_age=settings.REPLICA_PIN_SECONDS)
    return pinned is not None


def without_pin(view: Callable) -> Callable:
    """For a POST that reloads nothing its sender reads (the article's view-count beacon): it sets
    no cookie, so the pages after it stay on the replica and in the page cache."""
    view.replica_pin = False
    return view


class ReplicaReadsMiddleware:
    """Right after the page cache: sends the reads of anonymous GET and HEAD requests to a healthy
    replica, answers again from the primary when that replica fails mid-request, and pins a reader
    who has just written to the primary (read-your-writes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        alias = None
        if may_read_from_replica(request) and (replicas := healthy_replicas()):
            alias = random.choice(replicas)
        token = _replica.set(alias)
        try:
            response = self.get_response(request)
            if alias is not None and response.status_code >= 500 and connections[alias].errors_occurred:
                logger.warning("read replica %s failed during %s; answered from the primary", alias, request.path)
                mark_unavailable(alias)
                _replica.set(None)
                response = self.get_response(request)
        finally:
            _replica.reset(token)
        if self._wrote(request, response):
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=_PIN_SALT,
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.replica_pin = getattr(view_func, "replica_pin", True)

    @staticmethod
    def _wrote(request, response) -> bool:
        return (
            request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
            and response.status_code < 400
            and getattr(request, "replica_pin", True)
        )
