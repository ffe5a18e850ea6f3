"""Nothing about a report readers may not see leaks through any public address or method.

Each report is published first, with a comment, its pages visited (so the page cache holds them
with the title) and a comment form fetched; then it becomes a draft, is withdrawn, or is restricted
by an upheld takedown notice, and every public address that could mention it is asked for. Its
title and its address appear nowhere, except on the 451 page at its own address, which says on
purpose which article was taken down (see takedowns).

The model has no scheduled publication (a report is public by its status, whatever its
`published_at`), so there is no "scheduled in the future" state to test.
"""

import re

import pytest
from django.test import Client

from portal.roles import SITE_OWNERS
from reports import services
from reports.models import ReportStatus
from takedowns import services as takedown_services
from tests.comments.conftest import fetch_form, post
from tests.factories import CommentFactory, ReportFactory, TakedownNoticeFactory, UserFactory

pytestmark = pytest.mark.django_db

STATES = ["draft", "withdrawn", "restricted"]


@pytest.fixture(autouse=True)
def no_fill_delay(settings):
    settings.COMMENTS_MIN_FILL_SECONDS = 0


def hide(report, state: str) -> None:
    if state == "restricted":
        owner = UserFactory(username="zhanzhang", is_staff=True, groups=[SITE_OWNERS])
        takedown_services.notice_uphold(notice=TakedownNoticeFactory(report=report), actor=owner)
    else:
        status = ReportStatus.DRAFT if state == "draft" else ReportStatus.WITHDRAWN
        services.reports_set_status(report_ids=[report.pk], status=status)


def public_addresses(report, neighbour, comment) -> list[tuple[str, str, dict]]:
    """(method, path, extra) of every public request that could mention `report`."""
    comments = f"/comments/{report.pk}/"
    lists = [
        "/",
        "/baogao/",
        "/baogao/huazhong/",
        f"/baogao/?year={report.date.year}",
        "/diqu/",
        "/diqu/huazhong/",
        report.province.get_absolute_url(),
        report.prefecture.get_absolute_url(),
        report.region.get_absolute_url(),
        "/rss/",
        "/rss/baogao/",
        "/rss/diqu/huazhong/",
        "/rss/diqu/huazhong/hunan/",
        "/sitemap.xml",
        # A part of the title, which the results page echoes; the whole title would be found nowhere else.
        "/search/?q=绝不外泄",
        "/search/?q=绝不外泄&order=date",
        "/search/?q=绝不外泄 专项报告&category=baogao",
        neighbour.get_absolute_url(),
        f"/comments/{neighbour.pk}/",
        "/takedown/",
    ]
    return [
        *[("get", path, {}) for path in lists],
        ("get", comments, {}),
        ("head", comments, {}),
        ("get", f"{comments}?parent={comment.pk}", {}),
        ("get", f"{comments}?posted={comment.pk}", {}),
        ("get", f"{comments}?page=2", {}),
        ("put", comments, {}),
        ("delete", comments, {}),
        ("post", comments, {"data": {"body": "看看会怎样"}}),
        ("post", comments, {"data": {"body": "看看会怎样"}, "headers": {"X-Requested-With": "XMLHttpRequest"}}),
        ("get", f"{comments}form/", {}),
        ("get", f"{comments}form/?parent={comment.pk}", {"headers": {"X-Requested-With": "XMLHttpRequest"}}),
        ("post", f"{comments}form/", {}),
        ("post", f"/api/views/{report.pk}/", {}),
        ("get", f"/api/views/{report.pk}/", {}),
    ]


def sitemap_sections(client) -> list[str]:
    index = client.get("/sitemap.xml").content.decode()
    return [re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(r"<loc>([^<]+)</loc>", index)]


def assert_nothing_about(response, report, where: str) -> None:
    text = response.content.decode(errors="replace") + " ".join(f"{k}: {v}" for k, v in response.items())
    assert response.status_code < 500, where
    assert report.title not in text, f"{where} shows the title"
    if response.wsgi_request.path != report.get_absolute_url():  # pages name their own address (canonical)
        assert report.get_absolute_url() not in text, f"{where} shows the address"


@pytest.mark.parametrize("state", STATES)
def test_a_hidden_report_appears_nowhere(state, region, category):
    report = ReportFactory(region=region, category=category, title=f"绝不外泄的{state}专项报告")
    neighbour = ReportFactory(region=region, category=category, date=report.date, title="公开的邻居报告")
    comment = CommentFactory(report=report, body="这条评论属于将被隐藏的报告。")
    reader = Client()
    unsent = fetch_form(Client(), report)
    addresses = public_addresses(report, neighbour, comment)
    # While it is public, the pages that list it are built and cached with its title.
    for method, path, extra in addresses:
        if method == "get":
            reader.get(path, **extra)
    assert report.title in reader.get("/baogao/").content.decode()

    hide(report, state)

    for method, path, extra in addresses:
        assert_nothing_about(getattr(reader, method)(path, **extra), report, f"{method.upper()} {path}")
    for path in sitemap_sections(reader):
        assert_nothing_about(reader.get(path), report, f"GET {path}")
    # A comment form fetched while it was public, posted now: refused without a word about it,
    # with the reader's text to copy.
    refused = post(Client(), report, {**unsent, "body": "我之前打开的评论框"})
    assert_nothing_about(refused, report, "POST of a form fetched earlier")
    assert refused.status_code == 404 and "我之前打开的评论框" in refused.content.decode()

    # Its own address, and a non-canonical form of it (which a public report redirects from).
    for path in (report.get_absolute_url(), f"/gongbao/huabei/{report.pk}.html"):
        for method in ("get", "post"):
            article = getattr(reader, method)(path)
            if state == "restricted":
                # The 451 page names the article on purpose (what was taken down and why), never its text.
                assert article.status_code == 451
                assert report.display_title in article.content.decode()
                assert "第一段" not in article.content.decode()
            else:
                assert article.status_code == 404
                assert_nothing_about(article, report, f"{method.upper()} {path}")
        head = reader.head(path)
        assert head.status_code == (451 if state == "restricted" else 404) and not head.content
