from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from reports import outline as outlines

register = template.Library()


@register.inclusion_tag("tags/pagination.html", takes_context=True)
def pagination(context, page, show_total=True, url="", anchor="", label="分页"):
    """Page links. Without `url` they keep the list's other parameters (category, year, a search
    query …); with it (the comment pages of an article) they point there, to `#anchor`."""
    if url:
        link_prefix = f"{url}?"
    else:
        query = context["request"].GET.copy()
        query.pop("page", None)
        encoded = query.urlencode()
        link_prefix = f"?{encoded}&" if encoded else "?"
    return {
        "page": page,
        "show_total": show_total,
        "link_prefix": link_prefix,
        "fragment": f"#{anchor}" if anchor else "",
        "label": label,
        "page_numbers": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
    }


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (a blank value removes one)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    for key, value in changes.items():
        if value in ("", None):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def as_paragraphs(paragraphs: list[str]) -> str:
    """Each paragraph in its <p>, escaped: a report body has dozens, too many for a template loop
    on a page that must render in a few milliseconds."""
    return format_html_join("\n", "<p>{}</p>", ((paragraph,) for paragraph in paragraphs))


@register.filter
def outline(paragraphs: list[str]) -> outlines.Outline:
    """The body as HTML with its table of contents, built in one pass (a template reads it twice)."""
    return outlines.outline(paragraphs)


@register.simple_tag
def report_rows(reports) -> SafeString:
    """The rows of a report list (includes/report_list.html). Written out here rather than as a
    template loop: articles and every list page show ten to twenty of them, and the loop cost more
    than the rest of the page."""
    return format_html_join(
        "\n",
        '<li>\n    <a href="{}">{}</a>\n    <span class="meta"><span class="region">{}</span> · {} · '
        '<time datetime="{}">{}</time></span>\n  </li>',
        (
            (report.get_absolute_url(), report.title, report.region.name, report.category.name, day, day)
            for report in reports
            for day in (report.date.isoformat(),)
        ),
    )
