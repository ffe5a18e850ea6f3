"""The table of contents read from a report's numbered headings (reports/outline.py)."""

import html

import pytest
from django.utils.html import strip_tags

from reports.demo import read_seed
from reports.outline import outline
from tests.factories import ReportFactory


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_the_seed_report_gets_its_three_sections():
    result = outline(paragraphs(read_seed().body))
    assert [(entry.text, entry.depth) for entry in result.entries] == [
        ("(四)在脱贫地区乡村振兴示范区建设中走在前列,脱贫攻坚成果有力巩固。", 1),
        ("(五)奋力推进全国文明城市创建,以人为核心的新型城镇化建设全面提速。", 1),
        ("(六)坚持抓招商引项目优环境,发展动力活力更加强劲。", 1),
    ]
    # The "一是… 二是… 三是…" inside (五) and (六) are sentences, not headings.
    assert "一是" not in result.toc and "二是" not in result.toc
    assert result.toc.count("<a ") == 3


def test_the_seed_headings_are_anchored_and_keep_the_whole_text():
    body = read_seed().body
    result = outline(paragraphs(body))
    assert '<a href="#toc-2">(五)奋力推进' in result.toc
    assert '<p id="toc-2"><strong class="section-heading">(五)奋力推进全国文明城市创建,' in result.body
    assert "全面提速。</strong>坚持“三特”融合" in result.body
    # Nothing of the text is lost or added, only markup.
    assert html.unescape(strip_tags(result.body)).split("\n") == paragraphs(body)


MIXED = """
一、过去五年工作回顾
（一）经济实力稳步提升。全市地区生产总值突破300亿元。
1.5亿元的产业基金投入使用，带动投资12亿元。
一是市域空间格局全面优化。
（二）民生保障更加有力。全年新增就业1.2万人。
一、二季度经济增速放缓，下半年逐步回升。
2023年，全市实现地区生产总值312亿元，同比增长4.5%，其中第一产业增加值增长3.6%，第二产业增加值增长5.1%，第三产业增长4.3%。
二、2023年工作安排
（一）全力以赴稳增长。
1. 抓项目扩投资。
2．促消费稳外贸。
3、优化营商环境。
5. 这一行编号跳了号。
（二）持续保障和改善民生。
1.坚持教育优先发展，全面落实立德树人根本任务，推进义务教育优质均衡发展和城乡一体化，扩大普惠性学前教育资源。
"""


def test_mixed_numbering_styles_nest_and_skip_sentences_that_only_look_like_headings():
    result = outline(paragraphs(MIXED))
    assert [(entry.text, entry.depth) for entry in result.entries] == [
        ("一、过去五年工作回顾", 1),
        ("（一）经济实力稳步提升。", 2),
        ("（二）民生保障更加有力。", 2),
        ("二、2023年工作安排", 1),
        ("（一）全力以赴稳增长。", 2),
        ("1. 抓项目扩投资。", 3),
        ("2．促消费稳外贸。", 3),
        ("3、优化营商环境。", 3),
        ("（二）持续保障和改善民生。", 2),
    ]
    for prose in ("1.5亿元", "一是市域", "一、二季度", "2023年，全市", "5. 这一行", "1.坚持教育"):
        assert f"<p>{prose}" in result.body, prose


def test_headings_on_a_line_of_their_own_become_html_headings_by_depth():
    body = outline(paragraphs(MIXED)).body
    assert '<h2 id="toc-1" class="section-heading">一、过去五年工作回顾</h2>' in body
    assert '<h3 id="toc-5" class="section-heading">（一）全力以赴稳增长。</h3>' in body
    assert '<h4 id="toc-6" class="section-heading">1. 抓项目扩投资。</h4>' in body
    toc = outline(paragraphs(MIXED)).toc
    assert toc.startswith('<ol><li><a href="#toc-1">一、过去五年工作回顾</a><ol><li><a href="#toc-2">')
    assert toc.count("<ol>") == toc.count("</ol>") and toc.count("<li>") == toc.count("</li>") == 9


def test_a_short_report_gets_no_table_of_contents_and_plain_paragraphs():
    result = outline(["（一）第一段。", "（二）第二段。"])
    assert result.entries == [] and result.toc == ""
    assert result.body == "<p>（一）第一段。</p>\n<p>（二）第二段。</p>"


def test_heading_text_is_escaped():
    result = outline(["一、<script>甲</script>", "二、乙方", "三、丙&丁"])
    assert "<script>" not in result.body and "<script>" not in result.toc
    assert "三、丙&amp;丁" in result.toc


@pytest.mark.django_db
def test_the_seed_article_page_shows_its_table_of_contents(client, region, category):
    seed = read_seed()
    report = ReportFactory(region=region, category=category, title=seed.title, body=seed.body)
    page = client.get(report.get_absolute_url()).content.decode()
    toc = page[page.index('<nav class="toc"') : page.index("</nav>", page.index('<nav class="toc"'))]
    assert "<summary" in toc and "目录" in toc
    assert toc.count('href="#toc-') == 3
    for number in (1, 2, 3):
        assert f'id="toc-{number}"' in page
