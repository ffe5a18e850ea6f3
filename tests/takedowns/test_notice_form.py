import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from takedowns.models import AttachmentKind, NoticeStatus, TakedownNotice
from tests.factories import ReportFactory
from tests.mailworker import deliver_queued_mail
from tests.takedowns.helpers import JPEG, PDF, PNG, captcha_answer, notice_data, pdf

pytestmark = pytest.mark.django_db

URL = "/takedown/"


def post_notice(client, data, files=None, captcha=True, **extra):
    payload = {**data, **(captcha_answer(client) if captcha else {}), **(files or {})}
    return client.post(URL, payload, **extra)


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_form_page_has_every_art14_field_and_a_captcha(client):
    html = client.get(URL).content.decode()
    for label in [
        "权利人姓名或名称",
        "证件类型",
        "证件号码",
        "联系地址",
        "联系电话",
        "电子邮箱",
        "代理人姓名或名称",
        "授权委托书",
        "要求删除的本站网址",
        "作品名称",
        "主张的权利",
        "权属及侵权的初步证明",
        "证明材料附件",
        "我承诺本通知内容真实",
        "验证码",
    ]:
        assert label in html, label
    assert 'enctype="multipart/form-data"' in html


def test_valid_notice_gets_a_receipt_confirmation_page_and_email(client, report):
    response = post_notice(client, notice_data(report.get_absolute_url()), {"attachments": [pdf()]})
    assert response.status_code == 302
    assert mail.outbox == []  # queued, sent by the worker
    deliver_queued_mail()
    notice = TakedownNotice.objects.get()
    assert notice.status == NoticeStatus.RECEIVED
    assert [item.report for item in notice.items.all()] == [report]
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "通知已受理" in html and notice.receipt in html
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["claimant@example.com"]
    assert notice.receipt in mail.outbox[0].subject and report.get_absolute_url() in mail.outbox[0].body


def test_receipts_follow_the_yearly_pattern_and_count_up(client, region, category):
    first, second = ReportFactory(region=region, category=category), ReportFactory(region=region, category=category)
    post_notice(client, notice_data(first.get_absolute_url()))
    post_notice(client, notice_data(second.get_absolute_url()))
    receipts = sorted(TakedownNotice.objects.values_list("receipt", flat=True))
    year = TakedownNotice.objects.first().created_at.year
    assert receipts == [f"TD-{year}-000001", f"TD-{year}-000002"]


def test_full_url_on_this_host_and_several_lines_are_accepted(client, region, category):
    first, second = ReportFactory(region=region, category=category), ReportFactory(region=region, category=category)
    lines = f"http://testserver{first.get_absolute_url()}\n\n  {second.get_absolute_url()}  \n"
    assert post_notice(client, notice_data(lines)).status_code == 302
    assert {item.report for item in TakedownNotice.objects.get().items.all()} == {first, second}


def test_non_canonical_address_is_stored_canonically(client, report):
    post_notice(client, notice_data(f"/gongbao/xibei/{report.pk}.html"))
    assert TakedownNotice.objects.get().items.get().address == report.get_absolute_url()


@pytest.mark.parametrize(
    "bad_line",
    [
        "https://www.example.com/baogao/huazhong/{pk}.html",  # another site
        "/baogao/huazhong/99999999.html",  # no such report
        "/diqu/huazhong/",  # a page of this site, but not a report
        "javascript:alert(1)",
        "/baogao/huazhong/{pk}.html#comment-abc",
        "ftp://testserver/baogao/huazhong/{pk}.html",
    ],
)
def test_bad_addresses_are_refused_naming_the_line(client, report, bad_line):
    bad_line = bad_line.format(pk=report.pk)
    response = post_notice(client, notice_data(f"{report.get_absolute_url()}\n{bad_line}"))
    assert response.status_code == 400
    (error,) = field_errors(response, "addresses")
    assert error.startswith("第 2 行") and "不是本站报告或评论的网址" in error
    assert not TakedownNotice.objects.exists()


def test_draft_reports_are_not_content_of_this_site(client, region, category):
    draft = ReportFactory(region=region, category=category, status="draft")
    response = post_notice(client, notice_data(draft.get_absolute_url()))
    assert "第 1 行" in field_errors(response, "addresses")[0]


REQUIRED = [
    ("claimant_name", "请填写权利人姓名或名称。"),
    ("id_type", "请填写证件类型。"),
    ("id_number", "请填写证件号码。"),
    ("address", "请填写联系地址。"),
    ("phone", "请填写联系电话。"),
    ("email", "请填写电子邮箱。"),
    ("addresses", "请至少填写一个本站网址。"),
    ("work_title", "请填写作品名称。"),
    ("right_claimed", "请填写主张的权利。"),
    ("legal_basis", "请填写法律依据。"),
    ("evidence_text", "请填写权属及侵权的初步证明。"),
    ("declaration", "请勾选承诺，确认通知内容真实。"),
]


@pytest.mark.parametrize("field,message", REQUIRED)
def test_each_required_field_has_a_chinese_message_next_to_it_and_the_rest_is_kept(client, report, field, message):
    data = notice_data(report.get_absolute_url(), **{field: None})
    response = post_notice(client, data)
    assert response.status_code == 400
    assert field_errors(response, field) == [message]
    html = response.content.decode()
    assert message in html
    assert 'value="某某出版社"' in html or field == "claimant_organisation"
    assert "北京市东城区某某路1号" in html or field == "address"
    assert "出于安全原因，表单出错时已选择的文件不会保留" in html
    assert not TakedownNotice.objects.exists()


def test_the_organisation_is_optional(client, report):
    assert post_notice(client, notice_data(report.get_absolute_url(), claimant_organisation="")).status_code == 302


def test_invalid_email_is_refused(client, report):
    response = post_notice(client, notice_data(report.get_absolute_url(), email="not-an-email"))
    assert field_errors(response, "email")


def test_agent_needs_a_name_and_an_authorisation_document(client, report):
    response = post_notice(client, notice_data(report.get_absolute_url(), filed_by_agent="on"))
    assert field_errors(response, "agent_name") == ["代理人提交时请填写代理人姓名或名称。"]
    assert field_errors(response, "authorisation") == ["代理人提交时须上传权利人签署的授权委托书。"]


def test_agent_with_authorisation_is_accepted_and_the_document_stored_privately(client, report, private_media):
    data = notice_data(report.get_absolute_url(), filed_by_agent="on", agent_name="某某律师事务所")
    response = post_notice(client, data, {"authorisation": pdf("授权书.pdf")})
    assert response.status_code == 302
    attachment = TakedownNotice.objects.get().attachments.get()
    assert attachment.kind == AttachmentKind.AUTHORISATION and attachment.original_name == "授权书.pdf"
    stored = private_media / attachment.file.name
    assert stored.read_bytes() == PDF
    assert "授权书" not in attachment.file.name  # stored under a random name


def test_up_to_five_pdf_jpeg_png_attachments(client, report):
    files = [pdf("a.pdf"), SimpleUploadedFile("b.png", PNG), SimpleUploadedFile("c.jpg", JPEG)]
    assert post_notice(client, notice_data(report.get_absolute_url()), {"attachments": files}).status_code == 302
    types = sorted(TakedownNotice.objects.get().attachments.values_list("content_type", flat=True))
    assert types == ["application/pdf", "image/jpeg", "image/png"]


def test_six_attachments_are_too_many(client, report):
    files = [pdf(f"{n}.pdf") for n in range(6)]
    response = post_notice(client, notice_data(report.get_absolute_url()), {"attachments": files})
    assert field_errors(response, "attachments") == ["最多上传 5 个文件。"]


def test_attachment_over_5_mb_is_refused(client, report):
    big = pdf("big.pdf", PDF + b"0" * (5 * 1024 * 1024))
    response = post_notice(client, notice_data(report.get_absolute_url()), {"attachments": [big]})
    assert "文件“big.pdf”超过 5 MB" in field_errors(response, "attachments")[0]


@pytest.mark.parametrize(
    "name,content",
    [
        ("fake.pdf", b"This is only text pretending to be a PDF."),
        ("page.png", b"<html><script>alert(1)</script></html>"),
        ("archive.pdf", bytes.fromhex("504b0304") + b"\x00" * 40),  # a ZIP
        ("empty.pdf", b""),
    ],
)
def test_attachment_type_is_checked_by_content(client, report, name, content):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = post_notice(client, notice_data(report.get_absolute_url()), {"attachments": [upload]})
    (error,) = field_errors(response, "attachments")
    assert name in error or error == "所提交的是空文件。"
    assert not TakedownNotice.objects.exists()


@pytest.mark.parametrize("answer", ["", "wrong"])
def test_captcha_is_required_and_checked(client, report, answer):
    captcha = captcha_answer(client)
    data = {**notice_data(report.get_absolute_url()), "captcha_0": captcha["captcha_0"], "captcha_1": answer}
    response = client.post(URL, data)
    assert response.status_code == 400
    assert field_errors(response, "captcha")
    assert not TakedownNotice.objects.exists()


def test_captcha_answer_works_only_once(client, region, category):
    first, second = ReportFactory(region=region, category=category), ReportFactory(region=region, category=category)
    captcha = captcha_answer(client)
    assert client.post(URL, {**notice_data(first.get_absolute_url()), **captcha}).status_code == 302
    response = client.post(URL, {**notice_data(second.get_absolute_url()), **captcha})
    assert response.status_code == 400 and field_errors(response, "captcha")


def test_nul_bytes_are_a_form_error_not_a_crash(client, report):
    response = post_notice(client, notice_data(report.get_absolute_url(), claimant_name="张\x00三"))
    assert response.status_code == 400
    assert field_errors(response, "claimant_name")


def test_nul_byte_in_an_address_names_the_line(client, report):
    response = post_notice(client, notice_data(f"{report.get_absolute_url()}\x00"))
    assert response.status_code == 400


def test_overlong_fields_are_refused(client, report):
    response = post_notice(client, notice_data(report.get_absolute_url(), claimant_name="张" * 500))
    assert field_errors(response, "claimant_name")


def test_huge_post_is_refused_unread_with_a_chinese_page(client):
    response = client.post(URL, {"claimant_name": "x"}, CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()


def test_huge_text_fields_are_a_chinese_400(client, report):
    response = client.post(URL, notice_data(report.get_absolute_url(), evidence_text="证" * 3_000_000))
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


def test_confirmation_page_without_a_notice_goes_back_to_the_form(client):
    response = client.get("/takedown/received/")
    assert response.status_code == 302 and response["Location"] == URL


def test_disclaimer_on_every_article_links_to_the_form(client, report):
    html = client.get(report.get_absolute_url()).content.decode()
    assert '<a href="/takedown/">请联系本站</a>' in html


def test_the_forms_choose_in_chinese(client):
    """Django 6.1's blank option ("- Select an option -") is not translated: the forms name their own."""
    from takedowns.forms import CounterNoticeForm

    for html in (client.get(URL).content.decode(), str(CounterNoticeForm()["id_type"])):
        assert '<option value="" selected>请选择</option>' in html
        assert "Select an option" not in html
