"""Issue #12 end to end, as an editor and a reader see it: a Word file becomes a draft, the editor
fixes the proposed region and publishes it, readers get the text and 下载原文, an edit goes live,
and restoring the earlier revision brings the earlier text back to readers."""

import urllib.parse

import pytest
from playwright.sync_api import expect

from portal.roles import EDITORS
from reports.models import RegionLevel, Report, ReportStatus
from tests.documents import files
from tests.factories import PASSWORD, RegionFactory, UserFactory, jishou

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITED = "过去的一年，全县地区生产总值增长6.0%，这是编辑改过的一段。"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def luxi():
    xiangxi = jishou().parent
    return RegionFactory(
        code="433122",
        name="泸溪县",
        type="县",
        level=RegionLevel.COUNTY,
        parent=xiangxi,
        slug="luxixian",
        big_region=xiangxi.big_region,
    )


def reader_sees(reader, url: str, text: str) -> None:
    """An anonymous reader's next visit (reloaded, as one coming back later) shows `text`."""
    reader.goto(url)
    reader.reload()
    expect(reader.locator(".article-body")).to_contain_text(text)


def test_import_a_word_file_publish_edit_and_restore(live_server, page, browser, luxi, tmp_path, screenshot):
    UserFactory(username="bianji", is_staff=True, groups=[EDITORS])
    word_file = tmp_path / "泸溪县政府工作报告.docx"
    word_file.write_bytes(files.docx_bytes())
    original_paragraph = files.PARAGRAPHS[4]

    page.goto(f"{live_server.url}/admin/login/?next=/admin/reports/report/")
    page.get_by_label("用户名").fill("bianji")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    # 从文件导入: the file becomes a draft, its region proposed from the title (吉首市).
    page.get_by_role("link", name="从文件导入").click()
    page.locator("input[name=files]").set_input_files(str(word_file))
    page.get_by_role("button", name="导入为草稿").click()
    expect(page.locator(".messagelist")).to_contain_text("已从文件导入草稿")
    report = Report.objects.get()
    assert report.status == ReportStatus.DRAFT and report.region.name == "吉首市"
    screenshot(page, "editor-imported-draft")

    # The editor knows better: it is 泸溪县's report. Fix the region, publish.
    page.locator(".field-region .select2-selection").click()
    page.locator(".select2-search__field").fill("泸溪")
    page.locator(".select2-results__option", has_text="泸溪县").click()
    page.get_by_label("状态").select_option(ReportStatus.PUBLISHED)
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("成功")
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and report.region == luxi
    url = live_server.url + report.get_absolute_url()

    # A reader sees it, with the original to download under its Chinese name.
    reader = browser.new_context(locale="zh-CN").new_page()
    reader_sees(reader, url, original_paragraph[:20])
    expect(reader.get_by_role("link", name="下载原文")).to_be_visible()
    expect(reader.locator(".original-download")).to_contain_text("Word")
    with reader.expect_download() as download:
        reader.get_by_role("link", name="下载原文").click()
    assert urllib.parse.unquote(download.value.suggested_filename).endswith(".docx")
    assert download.value.path().read_bytes() == word_file.read_bytes()
    screenshot(reader, "reader-imported-report")

    # The editor changes a paragraph; readers get the edit on their next visit.
    page.goto(f"{live_server.url}/admin/reports/report/{report.pk}/change/")
    body = page.get_by_label("正文")
    body.fill(body.input_value().replace(original_paragraph, EDITED))
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("成功")
    reader_sees(reader, url, EDITED)

    # History: the revision before the edit, its diff, restore.
    page.goto(f"{live_server.url}/admin/reports/report/{report.pk}/history/")
    page.get_by_role("link", name="查看差异与还原").first.click()
    expect(page.locator("del, .removed").first).to_be_visible()
    screenshot(page, "editor-revision-diff")
    page.get_by_role("button", name="还原到修订").click()
    expect(page.locator(".messagelist")).to_contain_text("已把内容还原到修订")

    reader_sees(reader, url, original_paragraph[:20])
    expect(reader.locator(".article-body")).not_to_contain_text(EDITED)
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and report.region == luxi
