"""Who is posting: the client address and browser, as far as the server can tell."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


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


def user_agent(request: HttpRequest) -> str:
    return "".join(char for char in request.headers.get("user-agent", "") if char.isprintable())[:300]
