"""The answer every public address of a restricted report gives (the article, its comparison with
another year, its original file): 451 (RFC 7725), saying why and pointing at the transparency page;
revalidated each time, so that readers see the report again as soon as it is restored."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from . import selectors


def restricted_report_response(request: HttpRequest, report) -> HttpResponse:
    transparency_url = request.build_absolute_uri(reverse("takedowns:transparency"))
    context = {
        "report": report,
        "notice": selectors.restriction_for_report(report),
        "transparency_url": transparency_url,
    }
    response = render(request, "451.html", context, status=451)
    response["Link"] = f'<{transparency_url}>; rel="blocked-by"'
    patch_cache_control(response, public=True, no_cache=True, max_age=0)
    return response
