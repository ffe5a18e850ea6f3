from django import template

register = template.Library()


@register.inclusion_tag("search/pagination.html", takes_context=True)
def search_pagination(context, page):
    """Page links that keep the query, filters and order."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    prefix = query.urlencode()
    return {
        "page": page,
        "query_prefix": f"{prefix}&" if prefix else "",
        "page_numbers": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
    }
