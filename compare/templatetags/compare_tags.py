from html import escape

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from reports.models import Report
from reports.selectors import RELATED_REPORTS

register = template.Library()


def _cell(sentences, year: int, side: str) -> str:
    label = f'<span class="cell-year">{year}年</span>'
    if sentences is None:
        return f'{label}<p class="compare-none">（{year}年没有对应的段落）</p>'
    tag = "ins" if side == "newer" else "del"
    return "".join(
        [
            label,
            "<p>",
            *(
                f"<{tag if s.changed else 'span'} id={s.anchor} class=s>{escape(s.text, quote=False)}"
                f"</{tag if s.changed else 'span'}>"
                for s in sentences
            ),
            "</p>",
        ]
    )


@register.simple_tag
def compare_rows(alignment, older_year: int, newer_year: int) -> SafeString:
    """The aligned rows, each side's sentences in order, those the other report lacks marked (<ins>
    on the newer side, <del> on the older), each with the id that the word lists jump to.

    Built as one string rather than with a template loop or format_html per sentence: a long
    report has a thousand sentences, and those took most of the page's time. Sentence texts are
    the only data and are escaped here (element content: quotes need no escaping); anchors and
    years are the page's own."""
    return mark_safe(
        "\n".join(
            f'<div class="compare-row is-{row.kind.value}">'
            f'<div class="compare-cell older">{_cell(row.older, older_year, "older")}</div>'
            f'<div class="compare-cell newer">{_cell(row.newer, newer_year, "newer")}</div></div>'
            for row in alignment.rows
        )
    )


CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


@register.simple_tag
def term_links(term, count: int, before: int | None = None) -> SafeString:
    """The word, linked to the first sentence that holds it, how often it occurs (`before`→`count`
    for a change), then links to the next sentences that hold it, numbered ②③…"""
    first, *others = term.anchors or ("",)
    more = format_html_join(
        "",
        '<a class="term-more" href="#{}" aria-label="“{}”第{}句">{}</a>',
        ((anchor, term.word, number, CIRCLED[number - 1]) for number, anchor in enumerate(others, start=2)),
    )
    return format_html(
        '<a class="term" href="#{}">{}</a> <span class="term-count">{}</span>{}',
        first,
        term.word,
        count if before is None else f"{before}→{count}",
        more,
    )


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
