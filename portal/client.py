"""Who is asking: the client address and browser as far as the server can tell, and the address as
a token that can be kept without keeping the address."""

import datetime
import hashlib
import hmac
import ipaddress
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from .caching import CacheUnavailable

SALT_KEY = "client-salt:"


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or, when settings.TRUSTED_PROXY_HEADER names the header our own proxy sets,
    the last address in that header (the one the proxy saw; anything before it the client wrote)."""
    candidates = []
    if settings.TRUSTED_PROXY_HEADER:
        meta_key = "HTTP_" + settings.TRUSTED_PROXY_HEADER.upper().replace("-", "_").removeprefix("HTTP_")
        header = request.META.get(meta_key, "")
        if header:
            candidates.append(header.split(",")[-1].strip())
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def from_script(request: HttpRequest) -> bool:
    """A request of the site's own scripts (static/js), which say so with X-Requested-With: they get
    fragments and JSON, and are never answered with a cached page."""
    return request.META.get("HTTP_X_REQUESTED_WITH") == "XMLHttpRequest"


def user_agent(request: HttpRequest) -> str:
    return "".join(char for char in request.headers.get("user-agent", "") if char.isprintable())[:300]


# The day's salt as this process last read it, and when (monotonic seconds): read again after
# SALT_REREAD_SECONDS, so that a salt lost from the cache (flushed, restarted) is agreed on again soon.
_salt_read: dict[str, tuple[str, float]] = {}
SALT_REREAD_SECONDS = 60


def _daily_salt(day: datetime.date) -> str:
    """A random salt shared by every process for one day (UTC), gone from the cache the day after:
    yesterday's digests can then be matched to no address, not even by someone holding SECRET_KEY.
    While the cache is down, a salt derived from SECRET_KEY and the day stands in."""
    key = SALT_KEY + day.isoformat()
    salt, read_at = _salt_read.get(key, ("", 0.0))
    if salt and time.monotonic() - read_at < SALT_REREAD_SECONDS:
        return salt
    try:
        salt = cache.get(key)
        if salt is None:
            # add() keeps a salt another process set meanwhile; read back whichever won.
            cache.add(key, secrets.token_hex(16), timeout=2 * 24 * 3600)
            salt = cache.get(key)
    except CacheUnavailable:
        salt = None
    if not salt:
        return hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()
    _salt_read.clear()  # yesterday's goes
    _salt_read[key] = (salt, time.monotonic())
    return salt


def client_digest(address: str) -> str:
    """The address as a token that stands for it today and cannot be turned back into it (HMAC
    with SECRET_KEY and the day's salt): for per-client limits that must not store addresses."""
    day = datetime.datetime.now(datetime.UTC).date()
    message = f"{_daily_salt(day)}:{address}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:40]


def client_digest_for(address: str, *, scope: str) -> str:
    """The address as a token that stands for it within `scope` alone (one comment, say) and for
    good: for "once per thing per client", where the daily digest would let a client come back the
    next day; the same address in two scopes gives two tokens that cannot be matched."""
    message = f"{scope}:{address}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:40]
