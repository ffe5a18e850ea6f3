from django import template

register = template.Library()


@register.inclusion_tag("tags/pagination.html", takes_context=True)
def pagination(context, page, show_total=True):
    """Page links that keep the list's other parameters (category, year, a search query …)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    prefix = query.urlencode()
    return {
        "page": page,
        "show_total": show_total,
        "query_prefix": f"{prefix}&" if prefix else "",
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
