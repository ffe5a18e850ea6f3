import datetime
import re

import pytest
from django.core import mail

from takedowns import services
from takedowns.models import LegalBasis, NoticeStatus, TakedownNotice
from takedowns.tokens import counter_token
from tests.factories import ReportFactory, TakedownNoticeFactory
from tests.mailworker import deliver_queued_mail
from tests.queries import PageQueries
from tests.takedowns.helpers import counter_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbours(region, category):
    """An older and a newer report around `report`, so it appears in prev/next and related lists."""
    return (
        ReportFactory(region=region, category=category, date=datetime.date(2020, 1, 1), title="较早的报告"),
        ReportFactory(region=region, category=category, date=datetime.date(2030, 1, 1), title="较新的报告"),
    )


def list_pages(report):
    return [
        "/",
        "/baogao/",
        "/baogao/huazhong/",
        "/diqu/huazhong/",
        report.province.get_absolute_url(),
        report.prefecture.get_absolute_url(),
        report.region.get_absolute_url(),
        f"/baogao/?year={report.date.year}",
    ]


def uphold(notice, site_owner):
    return services.notice_uphold(notice=notice, actor=site_owner)


def test_restricted_report_answers_451_with_its_story(client, report, notice, site_owner):
    uphold(notice, site_owner)
    response = client.get(report.get_absolute_url())
    assert response.status_code == 451
    html = response.content.decode()
    notice.refresh_from_db()
    assert "因版权投诉无法访问" in html
    assert report.display_title in html and report.get_absolute_url() in html
    assert notice.receipt in html
    assert f"{notice.restricted_at:%Y}年" in html
    assert "《信息网络传播权保护条例》" in html
    assert 'href="http://testserver/takedown/transparency/"' in html
    assert "第一段" not in html  # the body is not shown
    assert response["Link"] == '<http://testserver/takedown/transparency/>; rel="blocked-by"'
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_non_canonical_address_of_a_restricted_report_is_451_too(client, report, notice, site_owner):
    uphold(notice, site_owner)
    assert client.get(f"/gongbao/xibei/{report.pk}.html").status_code == 451


def test_staff_also_see_451_on_the_public_address(admin_client, report, notice, site_owner):
    uphold(notice, site_owner)
    assert admin_client.get(report.get_absolute_url()).status_code == 451


def test_restricted_report_is_gone_from_every_list_and_back_after_restoration(client, report, neighbours, site_owner):
    older, newer = neighbours
    notice = TakedownNoticeFactory(report=report, legal_basis=LegalBasis.CIVIL_CODE)
    before = {url: client.get(url).content.decode() for url in list_pages(report)}
    assert all(report.title in html for html in before.values()), [
        u for u, h in before.items() if report.title not in h
    ]
    uphold(notice, site_owner)
    for url in list_pages(report):
        response = client.get(url)
        assert response.status_code == 200
        assert report.title not in response.content.decode(), url
    for neighbour in (older, newer):
        assert report.title not in client.get(neighbour.get_absolute_url()).content.decode()  # prev/next, related

    services.counter_notice_create(notice=notice, **{**counter_data(), "declaration": True})
    services.notices_restore_due(now=TakedownNotice.objects.get().restore_due_at)
    assert client.get(report.get_absolute_url()).status_code == 200
    after = {url: client.get(url).content.decode() for url in list_pages(report)}
    for url in list_pages(report):
        assert report.title in after[url], url
    older_html = client.get(older.get_absolute_url()).content.decode()
    assert f'href="{report.get_absolute_url()}" rel="next"' in older_html


def test_list_counts_drop_and_come_back(client, report, neighbours, site_owner):
    notice = TakedownNoticeFactory(report=report)

    def hunan_count():
        html = client.get("/diqu/huazhong/").content.decode()
        return int(re.search(r'湖南省</a> <span class="count">(\d+)</span>', html).group(1))

    assert hunan_count() == 3
    uphold(notice, site_owner)
    assert hunan_count() == 2
    services.counter_notice_create(notice=notice, **{**counter_data(), "declaration": True})
    assert hunan_count() == 3


def test_transparency_lists_decided_notices_without_personal_data(client, region, category, site_owner):
    organisation = TakedownNoticeFactory(report=ReportFactory(region=region, category=category))
    person = TakedownNoticeFactory(
        report=ReportFactory(region=region, category=category),
        claimant_name="赵六",
        claimant_organisation="",
        email="zhaoliu@example.com",
        phone="13700137000",
        id_number="110101198505051234",
        address="上海市某某区某某路8号",
    )
    pending = TakedownNoticeFactory(report=ReportFactory(region=region, category=category))
    services.notice_uphold(notice=organisation, actor=site_owner)
    services.notice_reject(notice=person, actor=site_owner, note="理由：政府公开文件")
    html = client.get("/takedown/transparency/").content.decode()
    assert organisation.receipt in html and person.receipt in html
    assert pending.receipt not in html
    assert html.index(person.receipt) < html.index(organisation.receipt)  # newest decision first
    assert "某某出版社" in html and "个人" in html
    assert organisation.items.get().address in html
    assert "投诉成立，已屏蔽" in html and "投诉不成立" in html
    assert "《信息网络传播权保护条例》" in html
    for personal in [
        "赵六",
        "张三",
        "zhaoliu@example.com",
        "claimant@example.com",
        "13700137000",
        "13800138000",
        "110101198505051234",
        "110101199001011234",
        "上海市某某区",
        "北京市东城区",
        "理由：政府公开文件",
        "著作权登记号",
    ]:
        assert personal not in html, personal


@pytest.mark.parametrize("rows", [1, 12])
def test_transparency_query_count_does_not_grow(client, region, category, site_owner, rows):
    for _ in range(rows):
        services.notice_uphold(
            notice=TakedownNoticeFactory(report=ReportFactory(region=region, category=category)), actor=site_owner
        )
    client.get("/takedown/transparency/")  # warm the shared site configuration and navigation
    with PageQueries() as captured:
        client.get("/takedown/transparency/")
    assert len(captured) == 3, captured.queries  # count, notices, items


# The counter-notice form --------------------------------------------------------------------------


def counter_url(notice, token=None):
    return f"/takedown/counter/{notice.receipt}/?token={counter_token(notice.receipt) if token is None else token}"


def test_counter_notice_with_a_valid_link(client, report, site_owner):
    notice = TakedownNoticeFactory(report=report, legal_basis=LegalBasis.CIVIL_CODE)
    uphold(notice, site_owner)
    page = client.get(counter_url(notice))
    assert page.status_code == 200
    html = page.content.decode()
    assert report.get_absolute_url() in html and "不构成侵权的初步证明" in html
    response = client.post(counter_url(notice), counter_data())
    assert response.status_code == 200 and "反通知已收到" in response.content.decode()
    deliver_queued_mail()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.COUNTER_NOTICE
    assert notice.counter_notice.name == "李四" and notice.counter_notice.filed_by is None
    assert mail.outbox[-1].to == ["claimant@example.com"] and "李四" in mail.outbox[-1].body
    assert notice.events.latest("id").actor_label == "内容提供者"


@pytest.mark.parametrize("field", ["name", "address", "phone", "email", "statement", "declaration"])
def test_counter_notice_required_fields(client, report, notice, site_owner, field):
    uphold(notice, site_owner)
    response = client.post(counter_url(notice), counter_data(**{field: None}))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert TakedownNotice.objects.get().status == NoticeStatus.UPHELD


@pytest.mark.parametrize("token", ["", "forged", "x" * 500])
def test_counter_notice_with_a_bad_token_is_403_in_chinese(client, notice, site_owner, token):
    uphold(notice, site_owner)
    response = client.get(counter_url(notice, token=token))
    assert response.status_code == 403
    assert "链接无效或已过期" in response.content.decode()
    assert client.post(counter_url(notice, token=token), counter_data()).status_code == 403


def test_a_token_for_another_receipt_does_not_work(client, region, category, site_owner):
    first = TakedownNoticeFactory(report=ReportFactory(region=region, category=category))
    second = TakedownNoticeFactory(report=ReportFactory(region=region, category=category))
    uphold(second, site_owner)
    assert client.get(counter_url(second, token=counter_token(first.receipt))).status_code == 403


def test_expired_counter_link(client, notice, site_owner, settings):
    uphold(notice, site_owner)
    settings.TAKEDOWN_COUNTER_LINK_DAYS = -1
    assert client.get(counter_url(notice)).status_code == 403


def refusal(response) -> tuple[int, str]:
    """A refusal page as a prober compares it: its status and its text, less its own address and the
    per-response nonce."""
    request = response.wsgi_request
    html = response.content.decode().replace(request.build_absolute_uri(request.path), "<this page>")
    return response.status_code, re.sub(r'\snonce="[^"]*"', "", html)


@pytest.mark.parametrize("receipt", ["TD-2026-999999", "nonsense", "TD-" + "9" * 300, "%E2%80%AE"])
@pytest.mark.parametrize("token", ["", "abc", "x" * 500])
def test_an_unknown_receipt_is_refused_like_a_known_one_without_its_link(client, notice, site_owner, receipt, token):
    """Receipts are sequential: the page must not tell which of them exist."""
    uphold(notice, site_owner)
    known = client.get(f"/takedown/counter/{notice.receipt}/?token={token}")
    unknown = client.get(f"/takedown/counter/{receipt}/?token={token}")
    assert known.status_code == 403 and "链接无效或已过期" in known.content.decode()
    assert refusal(unknown) == refusal(known)
    posted = client.post(f"/takedown/counter/{receipt}/?token={token}", counter_data())
    assert refusal(posted) == refusal(client.post(f"/takedown/counter/{notice.receipt}/?token={token}", counter_data()))


def test_a_valid_link_for_a_receipt_that_does_not_exist_is_refused_the_same_way(client, notice, site_owner):
    uphold(notice, site_owner)
    missing = "TD-2026-999999"
    unknown = client.get(f"/takedown/counter/{missing}/?token={counter_token(missing)}")
    assert refusal(unknown) == refusal(client.get(counter_url(notice, token="abc")))


def test_counter_notice_only_while_upheld(client, notice):
    response = client.get(counter_url(notice))
    assert response.status_code == 409
    assert "当前不处于可提交反通知的状态" in response.content.decode()


def test_second_counter_notice_is_refused(client, report, site_owner):
    notice = TakedownNoticeFactory(report=report, legal_basis=LegalBasis.CIVIL_CODE)
    uphold(notice, site_owner)
    client.post(counter_url(notice), counter_data())
    response = client.post(counter_url(notice), counter_data())
    assert response.status_code == 409 and "无需重复提交" in response.content.decode()


def test_nul_bytes_in_the_counter_form_are_a_form_error(client, notice, site_owner):
    uphold(notice, site_owner)
    response = client.post(counter_url(notice), counter_data(statement="不侵权\x00"))
    assert response.status_code == 400
