"""A claimant, a site owner and a content provider go through the whole takedown procedure in Chromium."""

import datetime
import re

import pytest
from captcha.models import CaptchaStore
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from portal.roles import SITE_OWNERS
from takedowns import services
from tests.factories import PASSWORD, CategoryFactory, CommentFactory, ReportFactory, UserFactory, jishou
from tests.takedowns.helpers import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED_ID = 5618


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def fill_captcha(page):
    key = page.locator("input[name=captcha_0]").input_value()
    page.locator("input[name=captcha_1]").fill(CaptchaStore.objects.get(hashkey=key).response)


def test_notice_uphold_451_counter_notice_and_restoration(live_server, page, browser, screenshot, settings):
    settings.TAKEDOWN_SITE_URL = live_server.url
    region = jishou()
    category = CategoryFactory()
    report = ReportFactory(pk=SEED_ID, region=region, category=category, title="吉首市人民政府工作报告")
    neighbour = ReportFactory(
        region=region, category=category, title="吉首市2022年统计公报", date=datetime.date(2022, 3, 1)
    )
    with transaction.atomic():  # the comment recount locks its thread row
        CommentFactory(report=report, body="感谢发布，数据很详实。")
    UserFactory(username="zhanzhang", is_staff=True, groups=[SITE_OWNERS])
    article = f"{live_server.url}/baogao/huazhong/{SEED_ID}.html"

    # The claimant follows the disclaimer's promise to the notice form.
    page.goto(article)
    page.get_by_role("link", name="请联系本站").click()
    expect(page.get_by_role("heading", name="版权侵权通知")).to_be_visible()
    page.get_by_label("权利人姓名或名称").fill("张三")
    page.get_by_label("权利人单位").fill("某某出版社")
    page.get_by_label("证件类型").select_option(label="居民身份证")
    page.get_by_label("证件号码").fill("110101199001011234")
    page.get_by_label("联系地址").fill("北京市东城区某某路1号")
    page.get_by_label("联系电话").fill("13800138000")
    page.get_by_label("电子邮箱").fill("claimant@example.com")
    page.get_by_label("要求删除的本站网址").fill(f"/baogao/huazhong/{SEED_ID}.html")
    page.get_by_label("作品名称").fill("某某统计年鉴")
    page.get_by_label("主张的权利").select_option(label="信息网络传播权")
    page.get_by_label("法律依据").select_option(label="《民法典》第一千一百九十五条")
    page.get_by_label("权属及侵权的初步证明").fill("本社享有该作品的信息网络传播权，著作权登记号 2023-A-000001。")
    page.get_by_label("证明材料附件").set_input_files(
        [{"name": "登记证书.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("我承诺本通知内容真实").check()
    # A first try without the captcha shows the error next to the field and keeps what was typed.
    page.get_by_role("button", name="提交通知").click()
    expect(page.get_by_text("请输入验证码。")).to_be_visible()
    expect(page.get_by_label("权利人单位")).to_have_value("某某出版社")
    expect(page.get_by_text("表单出错时已选择的文件不会保留").first).to_be_visible()
    screenshot(page, "takedown-form-error")
    page.get_by_label("证明材料附件").set_input_files(
        [{"name": "登记证书.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("我承诺本通知内容真实").check()
    fill_captcha(page)
    page.get_by_role("button", name="提交通知").click()
    expect(page.get_by_role("heading", name="通知已受理")).to_be_visible()
    receipt = page.locator(".receipt").inner_text()
    assert re.fullmatch(r"TD-\d{4}-\d{6}", receipt)
    screenshot(page, "takedown-received")

    # A site owner logs into the admin, finds the open notice and upholds it.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("用户名").fill("zhanzhang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#takedown-panel")).to_contain_text("版权投诉待处理：1 件")
    screenshot(page, "takedown-admin-index")
    page.locator("#takedown-panel").get_by_role("link", name=receipt).click()
    expect(page.locator("body")).to_contain_text("登记证书.pdf")
    screenshot(page, "takedown-admin-notice")
    page.locator("#note-uphold").fill("权属证明充分")
    page.get_by_role("button", name="投诉成立：屏蔽内容").click()
    expect(page.locator(".messagelist")).to_contain_text("内容已屏蔽，已通知投诉人")
    counter_link = page.get_by_label("反通知链接").input_value()
    screenshot(page, "takedown-admin-upheld")

    # Readers now get 451 at the same address, and the article is gone from its lists. (A fresh
    # browser: the claimant's own may still hold the article for the minute it may be cached.)
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})  # closed at the end
    response = page.goto(article)
    assert response.status == 451
    assert response.headers["link"] == f'<{live_server.url}/takedown/transparency/>; rel="blocked-by"'
    expect(page.get_by_role("heading", level=1)).to_have_text("451 · 因版权投诉无法访问")
    expect(page.locator("main")).to_contain_text(receipt)
    screenshot(page, "takedown-451")
    for url in ["/baogao/huazhong/", region.get_absolute_url(), neighbour.get_absolute_url()]:
        page.goto(live_server.url + url)
        expect(page.locator("main")).not_to_contain_text("吉首市人民政府工作报告")
    page.goto(f"{live_server.url}/takedown/transparency/")
    expect(page.locator("table.transparency")).to_contain_text(receipt)
    expect(page.locator("table.transparency")).to_contain_text("某某出版社")
    expect(page.locator("main")).not_to_contain_text("张三")
    screenshot(page, "takedown-transparency")

    # The content provider files a counter-notice through the signed link.
    page.goto(counter_link)
    expect(page.get_by_role("heading", name="反通知（书面说明）")).to_be_visible()
    page.get_by_label("姓名或名称").fill("吉首市人民政府办公室")
    page.get_by_label("证件类型").select_option(label="统一社会信用代码（单位）")
    page.get_by_label("证件号码").fill("11433101MB1234567X")
    page.get_by_label("联系地址").fill("湖南省吉首市人民北路1号")
    page.get_by_label("联系电话").fill("0743-8888888")
    page.get_by_label("电子邮箱").fill("office@jishou.example.cn")
    page.get_by_label("不构成侵权的初步证明").fill(
        "本文件为政府工作报告，属于著作权法第五条规定的不适用该法保护的官方文件。"
    )
    page.get_by_label("我承诺本说明内容真实").check()
    page.get_by_role("button", name="提交反通知").click()
    expect(page.get_by_role("heading", name="反通知已收到")).to_be_visible()
    assert page.goto(article).status == 451  # still restricted during the waiting period

    # The waiting period (民法典: 15 days) passes without a reported lawsuit: housekeeping restores it.
    assert services.notices_restore_due(now=timezone.now() + datetime.timedelta(days=14)) == 0
    assert services.notices_restore_due(now=timezone.now() + datetime.timedelta(days=16)) == 1
    response = page.goto(article)
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("吉首市人民政府工作报告")
    expect(page.locator("#comments")).to_contain_text("感谢发布，数据很详实。")
    page.goto(f"{live_server.url}/baogao/huazhong/")
    expect(page.get_by_role("link", name="吉首市人民政府工作报告")).to_be_visible()
    page.goto(article)
    screenshot(page, "takedown-restored")
    page.close()
