from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

CONTACT_PHRASE = "请联系本站"


@register.filter
def with_takedown_link(text: str) -> str:
    """The disclaimer, its promise "请联系本站" turned into a link to the takedown notice form."""
    url = reverse("takedowns:notice")
    escaped = escape(text)
    if CONTACT_PHRASE in escaped:
        link = format_html('<a href="{}">{}</a>', url, CONTACT_PHRASE)
        return mark_safe(escaped.replace(CONTACT_PHRASE, link, 1))
    return mark_safe(escaped + format_html(' <a href="{}">版权投诉</a>', url))
