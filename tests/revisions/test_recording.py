"""Every kind of change to a report is recorded, with who made it and the old and new values: the
admin form, the admin's publish / withdraw actions (reports.services status updates), import_reports,
and takedown restriction and restoration (takedowns.services); bulk generation records nothing."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports.models import Report, ReportStatus
from revisions.models import ReportChange
from revisions.selectors import report_revisions
from takedowns import services as takedown_services
from takedowns.models import LegalBasis
from tests.factories import TakedownNoticeFactory

from .conftest import change_form, change_url

pytestmark = pytest.mark.django_db


def fields(revision) -> dict[str, tuple[str, str]]:
    return {change.attname: (change.old, change.new) for change in revision.fields}


def test_creating_a_report_is_its_first_revision(report):
    [created] = report_revisions(report=report)
    assert (created.number, created.kind, created.actor, created.is_current) == (1, "创建", "系统", True)
    assert created.state["title"] == "吉首市政府工作报告"


def test_an_admin_edit_records_the_user_and_the_old_and_new_values(admin_client, report):
    response = admin_client.post(
        change_url(report), change_form(report, title="吉首市政府工作报告（修订稿）", source_name="吉首市政府办")
    )
    assert response.status_code == 302
    created, edited = report_revisions(report=report)
    assert (edited.number, edited.actor, edited.kind, edited.is_current) == (2, "admin", "编辑", True)
    assert fields(edited) == {
        "title": ("吉首市政府工作报告", "吉首市政府工作报告（修订稿）"),
        "source_name": ("测试市人民政府", "吉首市政府办"),
    }
    assert created.state["title"] == "吉首市政府工作报告" and not created.is_current


def test_saving_the_form_unchanged_records_nothing(admin_client, report):
    admin_client.post(change_url(report), change_form(report))
    assert len(report_revisions(report=report)) == 1


def test_publish_and_withdraw_actions_record_the_user(admin_client, report):
    changelist = reverse("admin:reports_report_changelist")
    admin_client.post(changelist, {"action": "withdraw", "_selected_action": [report.pk]})
    admin_client.post(changelist, {"action": "publish", "_selected_action": [report.pk]})
    _, withdrawn, published = report_revisions(report=report)
    assert (withdrawn.actor, withdrawn.kind, fields(withdrawn)) == ("admin", "撤回", {"status": ("已发布", "已撤回")})
    assert (published.actor, published.kind, fields(published)) == ("admin", "发布", {"status": ("已撤回", "已发布")})


def test_visits_are_not_changes(client, report):
    for _ in range(3):
        Report.objects.filter(pk=report.pk).update(views=report.views + 1)
    assert ReportChange.objects.filter(pgh_obj=report.pk).count() == 1


def test_import_reports_records_the_command(region, category, tmp_path):
    path = tmp_path / "reports.jsonl"
    row = {"title": "导入的报告", "region": region.code, "category": category.slug, "date": "2024-03-01"}
    row["body"] = "正文"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    call_command("import_reports", str(path), verbosity=0)
    [created] = report_revisions(report=Report.objects.get(title="导入的报告"))
    assert (created.kind, created.actor) == ("创建", "系统（import_reports 命令）")


def test_a_takedown_restriction_by_a_site_owner_and_the_restoration_by_housekeeping(client, report, site_owner):
    notice = TakedownNoticeFactory(report=report, legal_basis=LegalBasis.CIVIL_CODE)
    client.force_login(site_owner)
    decide = reverse("admin:takedowns_takedownnotice_decide", args=[notice.pk, "uphold"])
    assert client.post(decide, {"note": "权属证明充分"}).status_code == 302
    long_ago = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
    takedown_services.counter_notice_create(
        notice=notice,
        name="李四",
        id_type="resident_id",
        id_number="430101198001011234",
        address="湖南省吉首市某某路2号",
        phone="13900139000",
        email="provider@example.com",
        statement="政府公开文件，不构成侵权。",
        declaration=True,
        now=long_ago,
    )
    call_command("housekeeping", stdout=io.StringIO())
    _, restricted, restored = report_revisions(report=report)
    assert (restricted.actor, restricted.kind, fields(restricted)) == (
        "zhanzhang",
        "因投诉屏蔽",
        {"is_restricted": ("否", "是")},
    )
    assert (restored.actor, restored.kind, fields(restored)) == (
        "系统（housekeeping 命令）",
        "解除屏蔽",
        {"is_restricted": ("是", "否")},
    )


def test_generate_reports_records_no_history(region, category):
    before = ReportChange.objects.count()
    call_command("generate_reports", count=50, seed=1, verbosity=0)
    assert Report.objects.count() >= 50
    assert ReportChange.objects.count() == before


def test_a_generated_report_edited_later_shows_what_it_replaced(admin_client, region, category):
    call_command("generate_reports", count=3, seed=2, verbosity=0)
    generated = Report.objects.order_by("pk").first()
    original_title = generated.title
    admin_client.post(change_url(generated), change_form(generated, title="改过的标题"))
    initial, edited = report_revisions(report=generated)
    assert initial.kind.startswith("未记录的原始内容") and initial.state["title"] == original_title
    assert fields(edited)["title"] == (original_title, "改过的标题") and edited.actor == "admin"


def test_a_status_change_outside_any_request_or_command_is_the_systems(report):
    from reports.services import reports_set_status

    reports_set_status(report_ids=[report.pk], status=ReportStatus.WITHDRAWN)
    assert report_revisions(report=report)[-1].actor == "系统"


def test_a_report_added_in_admin_is_created_by_the_user(admin_client, region, category):
    form = {
        "title": "在后台新建的报告",
        "region": region.pk,
        "category": category.pk,
        "date": "2025-01-20",
        "status": "draft",
        "body": "第一段。",
        "source_name": "",
        "source_url": "",
    }
    assert admin_client.post(reverse("admin:reports_report_add"), form).status_code == 302
    [created] = report_revisions(report=Report.objects.get(title="在后台新建的报告"))
    assert (created.kind, created.actor) == ("创建", "admin")
