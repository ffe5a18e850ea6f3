"""The history in admin: the list of revisions, a revision's diff (changed paragraphs highlighted,
unchanged ones not), restore (itself a revision; the restriction of a takedown stays), and who may
see and do what."""

import re

import pytest
from django.contrib.auth.models import Permission

from reports.models import Report, ReportStatus
from revisions.selectors import report_revisions
from takedowns import services as takedown_services
from tests.factories import ReportFactory, TakedownNoticeFactory, UserFactory
from tests.queries import PageQueries

from .conftest import BODY, EDITED_BODY, change_form, change_url, history_url, restore_url, revision_url

pytestmark = pytest.mark.django_db


def edit(client, report, **changes):
    response = client.post(change_url(report), change_form(report, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    report.refresh_from_db()


def marked(html: str, css_class: str) -> list[str]:
    """The text of the paragraphs of the body diff carrying `css_class`."""
    body = html.split('class="rev-body"', 1)[1]
    blocks = re.findall(rf'<(?:p|div) class="rev-para {css_class}">(.*?)</(?:p|div)>\s*(?=<|$)', body, re.S)
    return [re.sub(r"<[^>]+>", "", block).strip() for block in blocks]


def test_the_change_forms_history_button_lists_revisions_newest_first(admin_client, report):
    edit(admin_client, report, title="吉首市政府工作报告（修订稿）")
    assert history_url(report) in admin_client.get(change_url(report)).content.decode()
    html = admin_client.get(history_url(report)).content.decode()
    rows = re.findall(r'<tr class="revision">(.*?)</tr>', html, re.S)
    assert len(rows) == 2
    newest, oldest = (re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows)
    assert newest.startswith("2 当前") and "admin" in newest and "编辑" in newest and "标题" in newest
    assert oldest.startswith("1 ") and "创建" in oldest and "系统" in oldest


def test_a_revisions_diff_highlights_changed_paragraphs_and_not_the_others(admin_client, report):
    edit(admin_client, report, body=EDITED_BODY, title="吉首市政府工作报告（修订稿）")
    html = admin_client.get(revision_url(report, 2)).content.decode()
    assert marked(html, "rev-same") == ["（一）第一段，保持不变。", "（三）第三段，也不变。"]
    [changed] = re.findall(r'<div class="rev-para rev-changed">(.*?)</div>', html.split('class="rev-body"')[1], re.S)
    assert "<del>原来</del>" in changed and "<ins>改过</ins>" in changed
    assert marked(html, "rev-added") == ["+新增的段落：（四）新加的一段。"]
    assert "<ins>（修订稿）</ins>" in html  # the title's change, to the character
    assert "还原到修订 2" not in html  # the current revision offers no restore


def test_the_first_revision_shows_its_whole_text_unmarked(admin_client, report):
    html = admin_client.get(revision_url(report, 1)).content.decode()
    assert marked(html, "rev-same") == [line for line in BODY.splitlines()]
    assert "<del>" not in html.split('class="rev-body"')[1]


def test_restore_puts_the_old_content_back_as_a_new_revision_by_the_user(admin_client, report):
    edit(admin_client, report, body=EDITED_BODY, title="吉首市政府工作报告（修订稿）", source_name="别的来源")
    assert "还原到修订 1" in admin_client.get(revision_url(report, 1)).content.decode()
    response = admin_client.post(restore_url(report, 1), follow=True)
    assert "已把内容还原到修订 1" in response.content.decode()
    report.refresh_from_db()
    assert (report.title, report.body, report.source_name) == ("吉首市政府工作报告", BODY, "测试市人民政府")
    *_, restored = report_revisions(report=report)
    assert (restored.number, restored.actor, restored.kind) == (3, "admin", "还原到修订 1")
    assert {change.attname for change in restored.fields} == {"title", "body", "source_name"}
    # …and the restore can itself be undone.
    admin_client.post(restore_url(report, 2))
    report.refresh_from_db()
    assert report.title == "吉首市政府工作报告（修订稿）" and report.body == EDITED_BODY


def test_restore_keeps_the_publication_state_as_it_is_now(admin_client, region, category):
    draft = ReportFactory(region=region, category=category, status=ReportStatus.DRAFT, title="草稿")
    edit(admin_client, draft, title="定稿", status=ReportStatus.PUBLISHED)
    admin_client.post(restore_url(draft, 1))
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("草稿", ReportStatus.PUBLISHED)


def test_restore_does_not_undo_a_takedown_restriction(admin_client, client, report, site_owner):
    edit(admin_client, report, body=EDITED_BODY)
    notice = TakedownNoticeFactory(report=report)
    takedown_services.notice_uphold(notice=notice, actor=site_owner)
    response = admin_client.post(restore_url(report, 1), follow=True)
    assert "投诉屏蔽没有改变" in response.content.decode()
    report.refresh_from_db()
    assert report.is_restricted and report.body == BODY
    page = client.get(report.get_absolute_url())
    assert page.status_code == 451 and "第二段" not in page.content.decode()
    restored = report_revisions(report=report)[-1]
    assert restored.kind == "还原到修订 1" and "is_restricted" not in restored.changed


def test_restoring_what_is_already_there_says_so_and_records_nothing(admin_client, report):
    edit(admin_client, report, title="新标题")
    edit(admin_client, report, title="吉首市政府工作报告")
    assert "还原到修订 1" not in admin_client.get(revision_url(report, 1)).content.decode()
    response = admin_client.post(restore_url(report, 1), follow=True)  # a form still open from before
    assert "没有还原：修订 1 的内容与当前内容相同，无需还原。" in response.content.decode()
    assert len(report_revisions(report=report)) == 3


def test_a_restore_that_would_duplicate_another_report_is_refused_with_a_message(admin_client, report):
    edit(admin_client, report, title="新标题")
    ReportFactory(region=report.region, category=report.category, date=report.date, title="吉首市政府工作报告")
    response = admin_client.post(restore_url(report, 1), follow=True)
    assert response.status_code == 200
    assert "没有还原：" in response.content.decode()
    report.refresh_from_db()
    assert report.title == "新标题" and len(report_revisions(report=report)) == 2


def test_history_is_staff_only(client, report):
    for url in (history_url(report), revision_url(report, 1)):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.post(restore_url(report, 1))
    assert len(report_revisions(report=report)) == 1
    client.force_login(UserFactory(username="reader"))
    assert client.get(history_url(report)).status_code == 302


def test_a_viewer_sees_the_history_but_cannot_restore(client, admin_client, report):
    edit(admin_client, report, title="新标题")
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_report"))
    client.force_login(viewer)
    assert client.get(history_url(report)).status_code == 200
    assert "还原到修订" not in client.get(revision_url(report, 1)).content.decode()
    assert client.post(restore_url(report, 1)).status_code == 403
    assert Report.objects.get(pk=report.pk).title == "新标题"


def test_an_editor_may_restore(client, admin_client, report, editor):
    edit(admin_client, report, title="新标题")
    client.force_login(editor)
    client.post(restore_url(report, 1))
    assert report_revisions(report=report)[-1].actor == "bianji"


def test_unknown_revisions_and_reports_are_404_and_a_get_of_restore_changes_nothing(admin_client, report):
    assert admin_client.get(revision_url(report, 9)).status_code == 404
    assert admin_client.post(restore_url(report, 9)).status_code == 404
    missing = Report(pk=report.pk + 1000)
    assert admin_client.get(history_url(missing)).status_code == 404
    response = admin_client.get(restore_url(report, 1))
    assert response.status_code == 302 and response["Location"] == revision_url(report, 1)


@pytest.mark.parametrize("edits", [0, 12])
def test_the_history_page_costs_the_same_queries_whatever_the_number_of_revisions(admin_client, report, edits):
    for number in range(edits):
        edit(admin_client, report, title=f"标题 {number}")
    with PageQueries() as queries:
        assert admin_client.get(history_url(report)).status_code == 200
    assert len(queries) == 9, queries.queries
