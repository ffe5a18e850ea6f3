"""The database is down: every page answers 503 with Retry-After, and the site recovers by itself.

Django turns any exception, raised by a view, a template or a middleware, into a call of the 500
handler while the exception is being handled; portal.views.server_error asks here whether that
exception is the database being unreachable. Connections that failed are closed at the end of the
request, and one the server ended is found by the next request's health check (CONN_HEALTH_CHECKS,
portal.postgresql), so the first request after the database is back opens a new one.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

# What a database that is down, restarting or refusing connections raises through Django.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

RETRY_AFTER_SECONDS = 30


def database_unavailable(exception: BaseException | None = None) -> bool:
    """Whether `exception` (or the exception being handled) comes from an unreachable database."""
    if exception is None:
        exception = sys.exc_info()[1]
    while exception is not None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return True
        exception = exception.__cause__ or exception.__context__
    return False


def service_unavailable(request: HttpRequest) -> HttpResponse:
    # A template without base.html: its context processors read the database.
    html = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
