"""Per-address rate limits of the API, counted in the shared cache (Redis in production).

A fixed window per client: simple, one round trip (add + incr) per request that reaches Django.
Pages answered from the page cache are not counted: they cost about what a static file does, and
the limit is there to protect the database. The address is kept only as the day's digest
(portal.client), like the other per-client limits."""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from portal.caching import CacheUnavailable
from portal.client import client_digest, client_ip

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Allowance:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds until the window ends


def take(request) -> Allowance:
    """Count this request against its address's window; with the cache down nobody is limited."""
    limit, window = settings.API_RATE_LIMIT, settings.API_RATE_WINDOW_SECONDS
    now = time.time()
    started = int(now // window)
    retry_after = max(1, int((started + 1) * window - now + 0.999))
    key = f"api-rate:{client_digest(client_ip(request) or 'unknown')}:{started}"
    try:
        cache.add(key, 0, timeout=window + 1)
        used = cache.incr(key)
    except (*CacheUnavailable, ValueError):
        logger.warning("cache unavailable: API request not counted against its rate limit")
        return Allowance(True, limit, limit, retry_after)
    return Allowance(used <= limit, limit, max(limit - used, 0), retry_after)
