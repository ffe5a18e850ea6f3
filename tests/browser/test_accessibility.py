"""Every page type passes axe-core (no serious or critical violation) and works by keyboard.

axe-core is the copy bundled in axe-playwright-python, injected into the page by Playwright (not
through the page's own scripts, so the strict CSP does not have to allow it); no network is used.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from captcha.models import CaptchaStore
from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment
from takedowns.services import notice_uphold
from takedowns.tokens import counter_url
from tests.factories import CommentFactory, ReportFactory, TakedownNoticeFactory, UserFactory, jishou

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}

# One address per page type, filled in from the data of the `pages` fixture. A new page type is one
# more line here.
PAGE_TYPES = {
    "home": "/",
    "category list": "/baogao/",
    "category and area list": "/baogao/huazhong/",
    "region index": "/diqu/",
    "big region": "/diqu/huazhong/",
    "region": "{region}",
    "article": "{article}",
    "compare": "{compare}",
    "search": "/search/?q=公交",
    "search without query": "/search/",
    "comment page": "/comments/{report_id}/",
    "comment report (举报)": "/comments/flag/{comment_id}/",
    "takedown form": "/takedown/",
    "counter-notice form": "{counter}",
    "transparency": "/takedown/transparency/",
    "404": "/no-such-page/",
    "451": "{withdrawn}",  # the other error pages (400, 403, 413, 429, 500, 503) share its error.html
}


@pytest.fixture
def pages(db):
    region = jishou()
    report = ReportFactory(
        region=region, title="吉首市人民政府工作报告", body="  （一）公交线路延伸到新区。\n\n  （二）第二段。"
    )
    ReportFactory(
        region=region,
        category=report.category,
        date=report.date.replace(year=report.date.year - 1),
        body="  （一）公交线路开到老城。\n\n  （二）第二段。",
    )
    comment = CommentFactory(report=report)
    CommentFactory(report=report, parent=comment)
    taken = ReportFactory(region=region, title="被投诉的报告")
    notice = TakedownNoticeFactory(report=taken)
    notice_uphold(notice=notice, actor=UserFactory(username="zhanzhang", is_superuser=True, is_staff=True))
    place = {"category": report.category.slug, "area": report.big_region.slug}
    return {
        "region": region.get_absolute_url(),
        "article": report.get_absolute_url(),
        "compare": reverse("compare:compare", kwargs=place | {"pk": report.pk}),
        "report_id": report.pk,
        "comment_id": comment.pk,
        "counter": counter_url(notice.receipt, absolute=False),
        "withdrawn": taken.get_absolute_url(),
    }


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, one line each."""
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(
            node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
            for node in violation["nodes"][:5]
        )
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_type_has_no_serious_axe_violation(live_server, page, pages, name, screenshot):
    response = page.goto(live_server.url + PAGE_TYPES[name].format(**pages))
    assert response.status == {"404": 404, "451": 451}.get(name, 200), "the page type itself, not an error page"
    page.wait_for_load_state("networkidle")
    screenshot(page, f"axe-{name}")
    violations = serious_violations(page)
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("name", ["home", "article", "comment report (举报)"])
def test_phone_layout_has_no_serious_axe_violation(live_server, phone_page, pages, name, screenshot):
    """The folded menu and the narrow column at 390px, where most readers are."""
    phone_page.goto(live_server.url + PAGE_TYPES[name].format(**pages))
    phone_page.wait_for_load_state("networkidle")
    screenshot(phone_page, f"axe-phone-{name}")
    violations = serious_violations(phone_page)
    assert not violations, "\n".join(violations)


# The focused element, and whether its focus can be seen: a ring of at least 2px (the browser's own
# default is a 1px ring, too faint for older eyes) or a shadow.
FOCUS = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  return {
    tag: element.tagName.toLowerCase(),
    name: (element.getAttribute("aria-label") || element.innerText || element.name || "").trim().slice(0, 30),
    visible: ring || style.boxShadow !== "none",
    starts_comment: element.hasAttribute("data-comment-start"),
  };
}"""


def tab_until(page, done, limit: int = 120) -> list[dict]:
    """Press Tab until `done(focused)`; every element passed on the way must show its focus."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        if focused["starts_comment"]:
            # Focus on the comment box fetches the form and moves into it: a reader waits for it
            # (wait_for_function would need eval, which the CSP forbids).
            assert focused["visible"], f"focus not visible on {focused}"
            passed.append(focused)
            for _ in range(200):
                focused = page.evaluate(FOCUS)
                if focused["tag"] == "textarea":
                    break
                page.wait_for_timeout(100)
        passed.append(focused)
        assert focused["visible"], f"focus not visible on {focused}"
        if done(focused):
            return passed
    raise AssertionError(f"never reached the target; passed {[f['name'] for f in passed]}")


def test_article_and_comment_form_work_by_keyboard_with_a_visible_focus(live_server, page, pages, screenshot, settings):
    settings.COMMENTS_MIN_FILL_SECONDS = 0  # the keyboard is quicker than the defence against bots expects
    page.goto(live_server.url + pages["article"])
    first = tab_until(page, lambda focused: True)[0]
    assert first["name"] == "跳到正文"
    page.keyboard.press("Enter")  # past the header and its menu, into the article
    passed = tab_until(page, lambda focused: focused["tag"] == "textarea")
    assert {"回复", "举报"} <= {focused["name"] for focused in passed}
    screenshot(page, "keyboard-comment-form")
    assert serious_violations(page) == []  # the article with the comment form it fetched
    # Reaching the box fetched the form and moved into it; from here on only the keyboard is used.
    page.keyboard.type("用键盘写的评论。")
    tab_until(page, lambda focused: focused["name"] == "nickname")
    page.keyboard.type("键盘读者")
    key = page.locator("input[name=captcha_0]").input_value()
    tab_until(page, lambda focused: focused["name"] == "captcha_1")
    page.keyboard.type(CaptchaStore.objects.get(hashkey=key).response)
    tab_until(page, lambda focused: focused["tag"] == "button")
    screenshot(page, "keyboard-submit-focused")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("评论已提交，审核通过后显示。")
    assert Comment.objects.filter(nickname="键盘读者", body="用键盘写的评论。").exists()
