from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from reports.models import Report
from reports.selectors import RELATED_REPORTS

register = template.Library()


@register.simple_tag
def compare_cell(sentences, year: int, side: str) -> SafeString:
    """One side of an aligned row: its sentences, those the other report lacks marked (<ins> on the
    newer side, <del> on the older), each with the id that 新提法 and the word lists jump to.
    Written out here, not as a template loop: a long report has hundreds of sentences."""
    tag = "ins" if side == "newer" else "del"
    label = format_html('<span class="cell-year">{}年</span>', year)
    if sentences is None:
        return format_html('{}<p class="compare-none">（{}年没有对应的段落）</p>', label, year)
    return format_html(
        "{}<p>{}</p>",
        label,
        format_html_join(
            "",
            "<{} id={} class=s>{}</{}>",
            ((tag if s.changed else "span", s.anchor, s.text, tag if s.changed else "span") for s in sentences),
        ),
    )


@register.simple_tag
def compare_rows(alignment, older_year: int, newer_year: int) -> SafeString:
    return format_html_join(
        "\n",
        '<div class="compare-row is-{}"><div class="compare-cell older">{}</div>'
        '<div class="compare-cell newer">{}</div></div>',
        (
            (
                row.kind.value,
                compare_cell(row.older, older_year, "older"),
                compare_cell(row.newer, newer_year, "newer"),
            )
            for row in alignment.rows
        ),
    )


@register.simple_tag
def term_links(term) -> SafeString:
    """The word, linked to the first sentence that holds it, then the other sentences by number."""
    first, *others = term.anchors or ("",)
    more = format_html_join(
        "",
        ' <a class="term-more" href="#{}" aria-label="“{}”第{}处">{}</a>',
        ((anchor, term.word, number, number) for number, anchor in enumerate(others, start=2)),
    )
    return format_html('<a class="term" href="#{}">{}</a>{}', first, term.word, more)


@register.filter
def offers_comparison(report: Report, related) -> bool:
    """Whether the article links to the comparison, from the related list it shows anyway (no query):
    yes if that list holds a report of the same category from another year, and also when the list
    is full, since the region may have more reports than it shows (the compare page then says if
    there is nothing to compare)."""
    if not related:
        return False
    return len(related) >= RELATED_REPORTS or any(
        other.category_id == report.category_id and other.date.year != report.date.year for other in related
    )
