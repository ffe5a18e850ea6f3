from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

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


@register.simple_tag
def year_chart_svg(chart, place) -> SafeString:
    """The SVG of includes/year_chart.html, written out here: a dozen years of several categories
    with their axis and labels are a few hundred elements, many times slower as template loops or
    format_html. Numbers are the chart's own ints and floats, written with str() (never localised:
    a coordinate takes no thousands separator); only names are escaped, once each."""
    names = {category.pk: (escape(category.slug), escape(category.name)) for category, _ in chart.legend}
    parts = [
        f'<svg class="chart" width="{chart.width}" height="{chart.height}" viewBox="0 0 {chart.width} {chart.height}"'
        ' role="img" aria-labelledby="year-chart-title year-chart-desc">',
        f'<title id="year-chart-title">{escape(place.name)}{chart.first_year}—{chart.last_year}年'
        "各栏目报告数量</title>",
        f'<desc id="year-chart-desc">共{chart.total}篇，最多的是{chart.busiest.year}年（{chart.busiest.total}篇）；'
        "各年各栏目的篇数见图下的表。</desc>",
    ]
    for tick in chart.ticks:
        parts.append(
            f'<line class="grid" x1="{chart.plot_left}" x2="{chart.plot_right}" y1="{tick.y}" y2="{tick.y}"></line>'
            f'<text class="tick" x="{chart.tick_x}" y="{tick.y}" text-anchor="end" dominant-baseline="middle">'
            f"{tick.value}</text>"
        )
    for bar in chart.bars:
        parts.append('<g class="bar">')
        for segment in bar.segments:
            slug, name = names[segment.category.pk]
            parts.append(
                f'<rect class="series-{segment.series}" x="{bar.x}" y="{segment.y}" width="{chart.bar_width}"'
                f' height="{segment.height}" data-year="{bar.year}" data-category="{slug}"'
                f' data-count="{segment.count}"><title>{bar.year}年{name}：{segment.count}篇</title></rect>'
            )
        if bar.total:
            parts.append(
                f'<text class="total" x="{bar.middle}" y="{bar.label_y}" text-anchor="middle">{bar.total}</text>'
            )
        parts.append(
            f'<text class="year" x="{bar.middle}" y="{chart.year_y}" text-anchor="middle">{bar.year}</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("\n".join(parts))


@register.simple_tag
def year_chart_rows(chart) -> SafeString:
    """The rows of the chart's table, written out for the same reason (numbers only)."""
    return mark_safe(
        "\n".join(
            f'<tr><th scope="row">{row.year}年</th>{"".join(f"<td>{count}</td>" for count in row.counts)}'
            f"<td>{row.total}</td></tr>"
            for row in chart.rows
        )
    )
