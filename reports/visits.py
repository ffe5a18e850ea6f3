"""Which hits of the view beacon are views: a reader's browser on one of our own pages, once per
report within REPORTS_VIEW_WINDOW_MINUTES, never a crawler.

The beacon (static/js/views.js) is a cookie-less POST, so readers are told apart by address, kept
only as a digest (portal.client.client_digest) in the shared cache for the length of the window.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from portal.caching import CacheUnavailable
from portal.client import client_digest, client_ip, user_agent

logger = logging.getLogger(__name__)

# Lower-case substrings of the User-Agent of crawlers, preview fetchers, monitors and HTTP
# libraries; generic words first, then the named crawlers that use neither "bot" nor "spider".
CRAWLER_MARKERS = (
    "bot",
    "spider",
    "crawl",
    "slurp",
    "headless",
    "preview",
    "monitor",
    "archive",
    "facebookexternalhit",
    "mediapartners-google",
    "feedfetcher",
    "lighthouse",
    "pingdom",
    "curl/",
    "wget/",
    "python-",
    "python/",
    "go-http-client",
    "java/",
    "okhttp",
    "libwww",
    "httpclient",
    "scrapy",
    "phantomjs",
)


def is_crawler(agent: str) -> bool:
    """Crawlers by their User-Agent; a request with none is no browser either."""
    agent = agent.lower()
    return not agent or any(marker in agent for marker in CRAWLER_MARKERS)


def is_same_origin(request: HttpRequest) -> bool:
    """Sent by a page of this site. Browsers say so in Sec-Fetch-Site; older ones send Origin (on
    every POST) or at least Referer, which must name this host. A request with none of them is no
    browser's beacon."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    sender = request.headers.get("origin") or request.headers.get("referer") or ""
    return bool(sender) and urlsplit(sender).netloc == request.get_host()


def _first_in_window(report_id: int, address: str) -> bool:
    """True for the first hit of this address on this report within the window (atomic: add()
    stores the key only if it is absent, so simultaneous hits count once)."""
    key = f"viewed:{report_id}:{client_digest(address)}"
    try:
        return cache.add(key, 1, timeout=settings.REPORTS_VIEW_WINDOW_MINUTES * 60)
    except CacheUnavailable:
        # Without the cache no hit can be told from a repeat: none is counted until it is back.
        logger.warning("cache unavailable: view of report %s not counted", report_id)
        return False


def counts_as_view(request: HttpRequest, report_id: int) -> bool:
    address = client_ip(request)
    return (
        address is not None
        and is_same_origin(request)
        and not is_crawler(user_agent(request))
        and _first_in_window(report_id, address)
    )
