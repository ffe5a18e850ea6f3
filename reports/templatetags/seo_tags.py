"""Search-engine metadata: canonical addresses, descriptions and JSON-LD."""

import json
import re

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Query parameters that make a different page (others, like tracking tags, do not).
CANONICAL_PARAMS = ("page", "category", "year")
DESCRIPTION_CHARS = 150
ENUMERATION = re.compile(r"^[（(][一二三四五六七八九十\d]+[）)]")


@register.simple_tag(takes_context=True)
def canonical_url(context, *keep: str) -> str:
    """This page's absolute address without query parameters that do not change it."""
    request = context.get("request")
    if request is None:
        return ""
    query = QueryDict(mutable=True)
    for key in keep or CANONICAL_PARAMS:
        value = request.GET.get(key, "")
        if value and not (key == "page" and value == "1"):
            query[key] = value
    url = request.build_absolute_uri(request.path)
    return f"{url}?{query.urlencode()}" if query else url


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


@register.filter
def first_sentences(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """Whole sentences from the start of a body, up to `limit` characters (for meta descriptions)."""
    paragraphs = [ENUMERATION.sub("", line.strip()) for line in (text or "").splitlines() if line.strip()]
    flat = "".join(paragraphs)
    sentences = re.findall(r"[^。！？!?]+[。！？!?]?", flat)
    description = ""
    for sentence in sentences:
        if len(description) + len(sentence) > limit:
            break
        description += sentence
    return description or flat[: limit - 1] + ("…" if len(flat) >= limit else "")


@register.simple_tag(takes_context=True)
def report_jsonld(context, report) -> SafeString:
    """schema.org description of a report for search engines, as a <script type="application/ld+json">."""
    site = context.get("site")
    site_name = getattr(site, "site_name", "") or "博县网"
    places = [region.name for region in report.lineage()]
    data = {
        "@context": "https://schema.org",
        "@type": "Report",
        "headline": report.display_title[:110],
        "name": report.title,
        "datePublished": report.date.isoformat(),
        "dateModified": report.updated_at.isoformat(),
        "inLanguage": "zh-CN",
        "url": absolute_url(context, report.get_absolute_url()),
        "about": report.category.name,
        "contentLocation": {"@type": "Place", "name": places[-1], "address": "".join(places)},
        "spatialCoverage": {"@type": "Place", "name": places[-1]},
        "publisher": {"@type": "Organization", "name": site_name, "url": absolute_url(context, "/")},
        "description": first_sentences(report.body),
    }
    if report.source_name:
        data["sourceOrganization"] = {"@type": "GovernmentOrganization", "name": report.source_name}
        if report.source_url:
            data["sourceOrganization"]["url"] = report.source_url
    # Like Django's json_script: <, > and & escaped, so the text can never close the script element.
    payload = json.dumps(data, ensure_ascii=False).translate(
        {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))
