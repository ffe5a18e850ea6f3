import datetime

import pytest
from django.core import mail

from comments.models import Comment
from takedowns import services
from takedowns.models import ItemKind, LegalBasis, NoticeStatus, TakedownNotice
from takedowns.tokens import counter_token
from tests.factories import CommentFactory, ReportFactory, TakedownNoticeFactory
from tests.mailworker import deliver_queued_mail
from tests.takedowns.helpers import captcha_answer, counter_data, notice_data

pytestmark = pytest.mark.django_db

GONE = "该评论因版权投诉已被屏蔽"


@pytest.fixture
def comment(report):
    return CommentFactory(report=report, body="这段文字抄自某某统计年鉴。", email="commenter@example.com")


def test_comment_address_resolves_to_the_comment(client, report, comment):
    address = f"http://testserver{report.get_absolute_url()}#comment-{comment.pk}"
    response = client.post("/takedown/", {**notice_data(address), **captcha_answer(client)})
    assert response.status_code == 302
    item = TakedownNotice.objects.get().items.get()
    assert (item.kind, item.comment, item.report) == (ItemKind.COMMENT, comment, report)
    assert item.address == comment.get_absolute_url()


@pytest.mark.parametrize("problem", ["other_report", "unknown", "pending"])
def test_comment_addresses_that_are_not_a_comment_of_that_report_are_refused(client, report, region, category, problem):
    other = ReportFactory(region=region, category=category)
    comment = {
        "other_report": lambda: CommentFactory(report=other),
        "unknown": lambda: type("Missing", (), {"pk": 987654})(),
        "pending": lambda: CommentFactory(report=report, status="pending"),
    }[problem]()
    address = f"{report.get_absolute_url()}#comment-{comment.pk}"
    response = client.post("/takedown/", {**notice_data(address), **captcha_answer(client)})
    assert response.status_code == 400
    assert "第 1 行" in response.context["form"].errors["addresses"][0]


def test_upholding_blocks_the_comment_in_place_and_keeps_the_article(client, report, comment, site_owner):
    reply = CommentFactory(report=report, parent=comment, body="回复仍然可见。")
    notice = TakedownNoticeFactory(comment=comment, legal_basis=LegalBasis.CIVIL_CODE)
    services.notice_uphold(notice=notice, actor=site_owner)
    deliver_queued_mail()
    response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert GONE in html and "这段文字抄自某某统计年鉴" not in html
    assert "回复仍然可见" in html
    report.refresh_from_db()
    assert not report.is_restricted
    # The notice is forwarded to the commenter with the counter-notice link; the decision goes to the claimant.
    to_commenter = [m for m in mail.outbox if m.to == ["commenter@example.com"]]
    assert len(to_commenter) == 1
    assert f"/takedown/counter/{notice.receipt}/?token=" in to_commenter[0].body
    assert "110101199001011234" not in to_commenter[0].body  # the claimant's ID number is not forwarded
    assert Comment.objects.visible().filter(pk=reply.pk).exists()


def test_comment_is_restored_exactly_after_the_counter_notice(client, report, comment, site_owner):
    notice = TakedownNoticeFactory(comment=comment, legal_basis=LegalBasis.CIVIL_CODE)
    services.notice_uphold(notice=notice, actor=site_owner)
    counter_url = f"/takedown/counter/{notice.receipt}/?token={counter_token(notice.receipt)}"
    assert client.post(counter_url, counter_data()).status_code == 200
    notice.refresh_from_db()
    assert services.notices_restore_due(now=notice.restore_due_at - datetime.timedelta(seconds=1)) == 0
    assert services.notices_restore_due(now=notice.restore_due_at) == 1
    restored = Comment.objects.get(pk=comment.pk)
    assert not restored.is_restricted and restored.status == "approved"
    html = client.get(report.get_absolute_url()).content.decode()
    assert "这段文字抄自某某统计年鉴" in html and GONE not in html
    assert TakedownNotice.objects.get().status == NoticeStatus.RESTORED


def test_a_comment_without_email_gets_no_forward(report, site_owner):
    comment = CommentFactory(report=report, email="")
    services.notice_uphold(notice=TakedownNoticeFactory(comment=comment), actor=site_owner)
    assert deliver_queued_mail() == 2  # the receipt and the decision
    assert all(message.to == ["claimant@example.com"] for message in mail.outbox)
