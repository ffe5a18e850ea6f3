import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from portal.roles import EDITORS, SITE_OWNERS
from takedowns.models import EventKind, LegalBasis, NoticeStatus, TakedownNotice
from tests.factories import ReportFactory, TakedownNoticeFactory
from tests.takedowns.helpers import PDF, counter_data, pdf

pytestmark = pytest.mark.django_db


def change_url(notice):
    return reverse("admin:takedowns_takedownnotice_change", args=[notice.pk])


def decide(client, notice, action, note=""):
    return client.post(reverse("admin:takedowns_takedownnotice_decide", args=[notice.pk, action]), {"note": note})


def test_groups_have_the_right_permissions():
    owners = set(Group.objects.get(name=SITE_OWNERS).permissions.values_list("codename", flat=True))
    editors = set(Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True))
    assert {"decide_takedownnotice", "change_takedownnotice", "view_takedownnotice", "add_counternotice"} <= owners
    takedown_editor_perms = {p for p in editors if "takedown" in p or "counternotice" in p}
    assert takedown_editor_perms == {
        "view_takedownnotice",
        "view_takedownitem",
        "view_takedownattachment",
        "view_counternotice",
        "view_takedownevent",
    }
    assert not any(p.startswith("delete_takedown") for p in owners)


@pytest.mark.parametrize("url", ["changelist", "changelist_search", "event_changelist"])
def test_admin_pages_open_for_staff(client, notice, site_owner, editor, url):
    target = {
        "changelist": reverse("admin:takedowns_takedownnotice_changelist"),
        "changelist_search": reverse("admin:takedowns_takedownnotice_changelist") + f"?q={notice.receipt}",
        "event_changelist": reverse("admin:takedowns_takedownevent_changelist"),
    }[url]
    for user in (site_owner, editor):
        client.force_login(user)
        response = client.get(target)
        assert response.status_code == 200
        assert notice.receipt in response.content.decode()


def test_no_add_or_delete_in_admin(admin_client, notice):
    assert admin_client.get(reverse("admin:takedowns_takedownnotice_add")).status_code == 403
    delete = reverse("admin:takedowns_takedownnotice_delete", args=[notice.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert TakedownNotice.objects.filter(pk=notice.pk).exists()


def test_site_owner_sees_decisions_and_upholds(client, notice, report, site_owner):
    client.force_login(site_owner)
    html = client.get(change_url(notice)).content.decode()
    assert "投诉成立：屏蔽内容" in html and "投诉不成立：驳回" in html and "开始审核" in html
    response = decide(client, notice, "uphold", "证明充分")
    assert response.status_code == 302
    notice.refresh_from_db()
    report.refresh_from_db()
    assert notice.status == NoticeStatus.UPHELD and report.is_restricted
    page = client.get(change_url(notice)).content.decode()
    assert "内容已屏蔽，已通知投诉人" in page  # the success message
    assert "反通知链接" in page and f"/takedown/counter/{notice.receipt}/?token=" in page
    assert "zhanzhang" in page  # the audit log names who decided


def test_editor_may_view_but_not_decide(client, notice, report, editor):
    client.force_login(editor)
    html = client.get(change_url(notice)).content.decode()
    assert notice.receipt in html and notice.claimant_name in html
    assert "投诉成立：屏蔽内容" not in html
    assert decide(client, notice, "uphold").status_code == 403
    assert TakedownNotice.objects.get().status == NoticeStatus.RECEIVED
    assert not report.__class__.objects.get(pk=report.pk).is_restricted


def test_staff_without_a_group_cannot_see_notices(client, notice):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="nobody", is_staff=True))
    assert client.get(change_url(notice)).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 200
    assert "版权投诉待处理" not in client.get(reverse("admin:index")).content.decode()


def test_refused_move_shows_a_message_and_changes_nothing(client, notice, site_owner):
    client.force_login(site_owner)
    decide(client, notice, "withdraw")
    response = decide(client, notice, "uphold")
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("不能变为" in m for m in messages)
    assert TakedownNotice.objects.get().status == NoticeStatus.WITHDRAWN


def test_reject_without_reason_is_refused(client, notice, site_owner):
    client.force_login(site_owner)
    decide(client, notice, "reject", "")
    assert TakedownNotice.objects.get().status == NoticeStatus.RECEIVED


def test_unknown_action_and_get_are_harmless(client, notice, site_owner):
    client.force_login(site_owner)
    assert decide(client, notice, "delete").status_code == 404
    assert client.get(reverse("admin:takedowns_takedownnotice_decide", args=[notice.pk, "uphold"])).status_code == 302
    assert TakedownNotice.objects.get().status == NoticeStatus.RECEIVED


def test_site_owner_files_a_counter_notice_received_by_letter(client, report, site_owner):
    notice = TakedownNoticeFactory(report=report, legal_basis=LegalBasis.CIVIL_CODE)
    client.force_login(site_owner)
    decide(client, notice, "uphold")
    url = reverse("admin:takedowns_takedownnotice_counter", args=[notice.pk])
    assert "登记反通知" in client.get(url).content.decode()
    response = client.post(url, counter_data())
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.COUNTER_NOTICE
    assert notice.counter_notice.filed_by == site_owner
    assert notice.events.latest("id").actor == site_owner


def test_editor_cannot_file_a_counter_notice(client, report, notice, site_owner, editor):
    from takedowns import services

    services.notice_uphold(notice=notice, actor=site_owner)
    client.force_login(editor)
    assert (
        client.post(reverse("admin:takedowns_takedownnotice_counter", args=[notice.pk]), counter_data()).status_code
        == 403
    )


def test_attachments_are_served_to_site_owners_only(client, report, site_owner, editor):
    notice = TakedownNoticeFactory(report=report, attachments=[pdf("证书.pdf")])
    attachment = notice.attachments.get()
    url = attachment.get_absolute_url()
    assert url.startswith("/admin/")
    assert client.get(url).status_code == 302  # to the admin login
    client.force_login(editor)
    assert client.get(url).status_code == 403
    client.force_login(site_owner)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert "证书.pdf" in client.get(change_url(notice)).content.decode()


def test_evidence_is_not_under_the_web_root(client, report, settings):
    notice = TakedownNoticeFactory(report=report, attachments=[pdf()])
    name = notice.attachments.get().file.name
    assert client.get(f"/media/{name}").status_code == 404
    assert client.get(f"/static/{name}").status_code == 404
    assert str(settings.PRIVATE_MEDIA_ROOT) not in str(settings.STATIC_ROOT)


def test_admin_index_panel_highlights_notices_past_the_service_target(client, region, category, site_owner, settings):
    settings.TAKEDOWN_SERVICE_TARGET_HOURS = 24
    old = TakedownNoticeFactory(
        report=ReportFactory(region=region, category=category), now=timezone.now() - datetime.timedelta(hours=30)
    )
    fresh = TakedownNoticeFactory(report=ReportFactory(region=region, category=category))
    client.force_login(site_owner)
    html = client.get(reverse("admin:index")).content.decode()
    assert "版权投诉待处理：2 件" in html and "1 件超过 24 小时" in html
    old_row = html[html.index(old.receipt) :][:600]
    fresh_row = html[html.index(fresh.receipt) :][:600]
    assert "超时" in old_row and "超时" not in fresh_row.split("</tr>")[0]


def test_decided_notices_leave_the_panel(client, notice, site_owner):
    client.force_login(site_owner)
    decide(client, notice, "uphold")
    assert "没有待处理的版权投诉" in client.get(reverse("admin:index")).content.decode()


# Personal data on a need-to-know basis ------------------------------------------------------------

CLAIMANT_DATA = ["110101199001011234", "13800138000", "claimant@example.com", "北京市东城区某某路1号"]
PROVIDER_DATA = ["430101198001011234", "13900139000", "provider@example.com", "湖南省吉首市某某路2号"]


def with_counter_notice(notice, site_owner):
    from takedowns import services

    services.notice_uphold(notice=notice, actor=site_owner)
    services.counter_notice_create(notice=notice, **{**counter_data(), "declaration": True})
    return notice


def views_of_personal_data(notice):
    return notice.events.filter(kind=EventKind.PERSONAL_DATA_VIEWED)


def test_editors_see_contact_and_id_data_masked(client, notice, site_owner, editor):
    with_counter_notice(notice, site_owner)
    client.force_login(editor)
    html = client.get(change_url(notice)).content.decode()
    for value in CLAIMANT_DATA + PROVIDER_DATA:
        assert value not in html
    # the claimant's, then the provider's (counter-notice)
    for masked in ["1101**********1234", "138****8000", "c***@example.com", "北京市东城＊＊＊"]:
        assert masked in html
    for masked in ["4301**********1234", "139****9000", "p***@example.com", "湖南省吉首＊＊＊"]:
        assert masked in html
    assert "张三" in html and "李四" in html  # who they are stays visible; how to reach them does not
    assert not views_of_personal_data(notice).exists()


def test_editors_cannot_find_a_notice_by_an_email_they_cannot_see(client, notice, site_owner, editor):
    changelist = reverse("admin:takedowns_takedownnotice_changelist")

    def found(q):
        return list(client.get(changelist, {"q": q}).context["cl"].result_list)

    client.force_login(editor)
    assert found("claimant@example.com") == [] and found("13800138000") == []
    assert found(notice.receipt) == [notice] and found("张三") == [notice]
    client.force_login(site_owner)
    assert found("claimant@example.com") == [notice]


def test_site_owners_see_them_in_full_and_each_view_is_recorded(client, notice, site_owner):
    with_counter_notice(notice, site_owner)
    client.force_login(site_owner)
    html = client.get(change_url(notice)).content.decode()
    for value in CLAIMANT_DATA + PROVIDER_DATA:
        assert value in html
    assert "1101**********1234" not in html
    view = views_of_personal_data(notice).get()  # once for the page, though it shows two people's data
    assert view.actor == site_owner and view.actor_label == "zhanzhang"
    assert "完整的证件号码" in view.note

    client.get(change_url(notice))
    assert views_of_personal_data(notice).count() == 2
    log = client.get(reverse("admin:takedowns_takedownevent_changelist"), {"kind": "personal_data_viewed"})
    assert log.content.decode().count("查看个人信息") >= 2


def test_views_that_do_not_show_the_data_are_not_recorded(client, notice, site_owner, editor):
    client.force_login(site_owner)
    client.get(reverse("admin:takedowns_takedownnotice_changelist"))
    decide(client, notice, "review")
    client.get(reverse("admin:takedowns_takedownnotice_change", args=[notice.pk + 1000]))
    client.force_login(editor)
    client.get(change_url(notice))
    assert not views_of_personal_data(notice).exists()


def test_a_site_owner_downloading_evidence_is_recorded(client, report, site_owner):
    notice = TakedownNoticeFactory(report=report, attachments=[pdf("身份证.pdf")])
    client.force_login(site_owner)
    response = client.get(notice.attachments.get().get_absolute_url())
    assert b"".join(response.streaming_content) == PDF
    view = views_of_personal_data(notice).get()
    assert view.actor == site_owner and "身份证.pdf" in view.note


def test_the_record_of_a_view_is_append_only_and_changes_no_status(notice, site_owner, editor):
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import IntegrityError, transaction

    from takedowns import services
    from takedowns.models import TakedownEvent

    event = services.notice_personal_data_viewed(notice=notice, viewer=site_owner)
    assert (event.from_status, event.to_status, str(event)) == ("", "", "查看个人信息")
    with pytest.raises(PermissionDenied):
        services.notice_personal_data_viewed(notice=notice, viewer=editor)
    with pytest.raises(ValidationError), transaction.atomic():
        services._event(
            notice=notice,
            actor=site_owner,
            actor_label="zhanzhang",
            kind=EventKind.PERSONAL_DATA_VIEWED,
            from_status=NoticeStatus.RECEIVED,
            to_status=NoticeStatus.UPHELD,
            note="",
            now=timezone.now(),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        TakedownEvent.objects.create(
            notice=notice, actor_label="x", kind=EventKind.TRANSITION, to_status="", created_at=timezone.now()
        )
