import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from outbox.models import OutgoingEmail
from reports.models import Report, ReportStatus
from takedowns import services
from takedowns.models import LegalBasis, NoticeStatus, TakedownEvent, TakedownNotice
from tests.factories import TakedownNoticeFactory
from tests.mailworker import deliver_queued_mail

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


def counter(notice, now=None, **overrides):
    data = {
        "name": "李四",
        "id_type": "resident_id",
        "id_number": "430101198001011234",
        "address": "湖南省吉首市某某路2号",
        "phone": "13900139000",
        "email": "provider@example.com",
        "statement": "政府公开文件，不构成侵权。",
        "declaration": True,
        **overrides,
    }
    return services.counter_notice_create(notice=notice, now=now, **data)


def history(notice):
    return list(TakedownEvent.objects.filter(notice=notice).order_by("id").values_list("from_status", "to_status"))


def test_a_new_notice_is_received_with_one_event(notice):
    assert notice.status == NoticeStatus.RECEIVED
    event = notice.events.get()
    assert (event.from_status, event.to_status, event.actor, event.actor_label) == ("", "received", None, "投诉人")


def test_uphold_restricts_the_report_and_records_who_and_when(notice, report, site_owner):
    services.notice_uphold(notice=notice, actor=site_owner, note="权属证明充分", now=MONDAY)
    notice.refresh_from_db()
    report.refresh_from_db()
    assert notice.status == NoticeStatus.UPHELD
    assert notice.decided_at == notice.restricted_at == MONDAY
    assert report.is_restricted and report.status == ReportStatus.PUBLISHED
    event = notice.events.latest("id")
    assert (event.actor, event.from_status, event.to_status, event.note, event.created_at) == (
        site_owner,
        "received",
        "upheld",
        "权属证明充分",
        MONDAY,
    )


def test_full_path_review_uphold_counter_wait_restore(report, site_owner):
    notice = TakedownNoticeFactory(report=report, legal_basis=LegalBasis.CIVIL_CODE)
    services.notice_start_review(notice=notice, actor=site_owner, now=MONDAY)
    services.notice_uphold(notice=notice, actor=site_owner, now=MONDAY)
    counter(notice, now=MONDAY + datetime.timedelta(days=1))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.COUNTER_NOTICE
    assert notice.restore_due_at == MONDAY + datetime.timedelta(days=16)
    assert services.notices_restore_due(now=MONDAY + datetime.timedelta(days=15)) == 0
    assert Report.objects.get(pk=report.pk).is_restricted
    assert services.notices_restore_due(now=MONDAY + datetime.timedelta(days=16)) == 1
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.RESTORED
    assert not Report.objects.get(pk=report.pk).is_restricted
    assert history(notice) == [
        ("", "received"),
        ("received", "under_review"),
        ("under_review", "upheld"),
        ("upheld", "counter_notice"),
        ("counter_notice", "restored"),
    ]


def test_regulation_basis_restores_as_soon_as_the_counter_notice_arrives(notice, report, site_owner):
    services.notice_uphold(notice=notice, actor=site_owner, now=MONDAY)
    counter(notice, now=MONDAY + datetime.timedelta(hours=2))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.RESTORED
    assert not Report.objects.get(pk=report.pk).is_restricted


@pytest.mark.parametrize(
    "start,due",
    [
        (MONDAY, datetime.datetime(2026, 3, 16, 10, 0, tzinfo=SHANGHAI)),  # two working weeks
        (MONDAY + datetime.timedelta(days=4), datetime.datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI)),  # Friday
        (MONDAY + datetime.timedelta(days=5), datetime.datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI)),  # Saturday
    ],
)
def test_dmca_waits_ten_business_days(start, due):
    assert services.waiting_period_end(legal_basis=LegalBasis.DMCA, start=start) == due


def test_waiting_periods_come_from_settings(settings):
    settings.TAKEDOWN_WAITING_PERIODS = {**settings.TAKEDOWN_WAITING_PERIODS, "civil_code": (3, "days")}
    assert services.waiting_period_end(legal_basis="civil_code", start=MONDAY) == MONDAY + datetime.timedelta(days=3)


def test_a_reported_lawsuit_keeps_the_content_restricted(report, site_owner):
    notice = TakedownNoticeFactory(report=report, legal_basis=LegalBasis.DMCA)
    services.notice_uphold(notice=notice, actor=site_owner, now=MONDAY)
    counter(notice, now=MONDAY)
    services.notice_keep_restricted(notice=notice, actor=site_owner, note="(2026)湘0101民初123号", now=MONDAY)
    assert services.notices_restore_due(now=MONDAY + datetime.timedelta(days=60)) == 0
    assert Report.objects.get(pk=report.pk).is_restricted
    assert TakedownNotice.objects.get().status == NoticeStatus.KEPT_RESTRICTED


def test_reject_needs_a_reason_and_leaves_the_report_alone(notice, report, site_owner):
    with pytest.raises(ValidationError):
        services.notice_reject(notice=notice, actor=site_owner, note=" ")
    services.notice_reject(notice=notice, actor=site_owner, note="政府公开文件，不受著作权法保护")
    assert TakedownNotice.objects.get().status == NoticeStatus.REJECTED
    assert not Report.objects.get(pk=report.pk).is_restricted


def test_withdrawn_notice_changes_nothing_on_the_site(notice, report, site_owner):
    services.notice_withdraw(notice=notice, actor=site_owner, note="投诉人来信撤回")
    assert TakedownNotice.objects.get().status == NoticeStatus.WITHDRAWN
    assert not Report.objects.get(pk=report.pk).is_restricted


def _in_state(notice, state, actor):
    steps = {
        NoticeStatus.RECEIVED: [],
        NoticeStatus.UNDER_REVIEW: [lambda: services.notice_start_review(notice=notice, actor=actor)],
        NoticeStatus.UPHELD: [lambda: services.notice_uphold(notice=notice, actor=actor)],
        NoticeStatus.REJECTED: [lambda: services.notice_reject(notice=notice, actor=actor, note="不成立")],
        NoticeStatus.WITHDRAWN: [lambda: services.notice_withdraw(notice=notice, actor=actor)],
        NoticeStatus.COUNTER_NOTICE: [
            lambda: services.notice_uphold(notice=notice, actor=actor),
            lambda: counter(notice),
        ],
        NoticeStatus.RESTORED: [
            lambda: services.notice_uphold(notice=notice, actor=actor),
            lambda: counter(notice),
            lambda: services.notices_restore_due(now=MONDAY + datetime.timedelta(days=400)),
        ],
        NoticeStatus.KEPT_RESTRICTED: [
            lambda: services.notice_uphold(notice=notice, actor=actor),
            lambda: counter(notice),
            lambda: services.notice_keep_restricted(notice=notice, actor=actor, note="已起诉"),
        ],
    }
    for step in steps[state]:
        step()


MOVES = {
    NoticeStatus.UNDER_REVIEW: lambda n, a: services.notice_start_review(notice=n, actor=a),
    NoticeStatus.UPHELD: lambda n, a: services.notice_uphold(notice=n, actor=a),
    NoticeStatus.REJECTED: lambda n, a: services.notice_reject(notice=n, actor=a, note="不成立"),
    NoticeStatus.WITHDRAWN: lambda n, a: services.notice_withdraw(notice=n, actor=a),
    NoticeStatus.COUNTER_NOTICE: lambda n, a: counter(n),
    NoticeStatus.KEPT_RESTRICTED: lambda n, a: services.notice_keep_restricted(notice=n, actor=a, note="已起诉"),
}
REFUSED = [
    (state, target)
    for state in NoticeStatus
    for target in MOVES
    if target not in services.ALLOWED_TRANSITIONS.get(state, set())
    # a zero waiting period (条例) restores at once, so "counter-notice" is tested with the civil code
]


@pytest.mark.parametrize("state,target", REFUSED)
def test_moves_the_workflow_does_not_allow_are_refused_and_leave_no_trace(report, site_owner, state, target):
    notice = TakedownNoticeFactory(report=report, legal_basis=LegalBasis.CIVIL_CODE)
    _in_state(notice, state, site_owner)
    notice.refresh_from_db()
    assert notice.status == state
    events_before = notice.events.count()
    with pytest.raises(services.TransitionRefused) as refused:
        MOVES[target](notice, site_owner)
    assert "不能变为" in refused.value.messages[0]
    notice.refresh_from_db()
    assert notice.status == state and notice.events.count() == events_before


def test_restore_is_not_a_move_anyone_can_make_early(report, site_owner):
    notice = TakedownNoticeFactory(report=report, legal_basis=LegalBasis.CIVIL_CODE)
    services.notice_uphold(notice=notice, actor=site_owner, now=MONDAY)
    assert services.notices_restore_due(now=MONDAY + datetime.timedelta(days=400)) == 0  # no counter-notice yet
    assert Report.objects.get(pk=report.pk).is_restricted


@pytest.mark.parametrize("move", ["review", "uphold", "reject", "withdraw"])
def test_only_site_owners_may_decide(notice, editor, move):
    service = {
        "review": services.notice_start_review,
        "uphold": services.notice_uphold,
        "reject": services.notice_reject,
        "withdraw": services.notice_withdraw,
    }[move]
    with pytest.raises(PermissionDenied):
        service(notice=notice, actor=editor, note="编辑试图处理")
    assert TakedownNotice.objects.get().status == NoticeStatus.RECEIVED


def test_events_are_append_only_in_the_database(notice):
    event = notice.events.get()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        TakedownEvent.objects.filter(pk=event.pk).update(note="改写历史")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        TakedownEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM takedowns_takedownnotice WHERE id = %s", [notice.pk])


def test_a_notice_must_carry_the_declaration(report):
    with pytest.raises(ValidationError):
        TakedownNoticeFactory(report=report, declaration=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        TakedownNotice.objects.filter(pk=TakedownNoticeFactory(report=report).pk).update(declaration=False)


def test_restoring_one_notice_keeps_a_report_another_notice_still_restricts(report, site_owner):
    first = TakedownNoticeFactory(report=report, legal_basis=LegalBasis.CIVIL_CODE)
    second = TakedownNoticeFactory(report=report, legal_basis=LegalBasis.CIVIL_CODE, claimant_name="王五")
    services.notice_uphold(notice=first, actor=site_owner, now=MONDAY)
    services.notice_uphold(notice=second, actor=site_owner, now=MONDAY)
    counter(first, now=MONDAY)
    services.notices_restore_due(now=MONDAY + datetime.timedelta(days=20))
    assert Report.objects.get(pk=report.pk).is_restricted


def test_restoration_brings_back_only_the_restriction_never_the_status(notice, report, site_owner, region, category):
    services.notice_uphold(notice=notice, actor=site_owner, now=MONDAY)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.WITHDRAWN)  # withdrawn meanwhile by an editor
    counter(notice, now=MONDAY)
    report.refresh_from_db()
    assert not report.is_restricted and report.status == ReportStatus.WITHDRAWN


def test_housekeeping_restores_due_notices(report, site_owner, capsys):
    notice = TakedownNoticeFactory(report=report, legal_basis=LegalBasis.CIVIL_CODE)
    long_ago = MONDAY - datetime.timedelta(days=100)
    services.notice_uphold(notice=notice, actor=site_owner, now=long_ago)
    counter(notice, now=long_ago)
    call_command("housekeeping")
    assert "1 notice(s) restored" in capsys.readouterr().out
    assert not Report.objects.get(pk=report.pk).is_restricted


def test_emails_receipt_decision_counter_and_restoration(report, site_owner):
    notice = TakedownNoticeFactory(report=report, legal_basis=LegalBasis.CIVIL_CODE)
    services.notice_uphold(notice=notice, actor=site_owner, now=MONDAY)
    counter(notice, now=MONDAY)
    services.notices_restore_due(now=MONDAY + datetime.timedelta(days=15))
    deliver_queued_mail()
    subjects = [message.subject for message in mail.outbox]
    assert [message.to for message in mail.outbox] == [["claimant@example.com"]] * 4
    assert "版权投诉已受理" in subjects[0]
    assert "内容已屏蔽" in subjects[1]
    assert "反通知" in subjects[2]
    assert "政府公开文件，不构成侵权。" in mail.outbox[2].body and "李四" in mail.outbox[2].body
    assert "2026年3月17日" in mail.outbox[2].body  # the end of the waiting period
    assert "已恢复" in subjects[3]
    assert all(notice.receipt in subject for subject in subjects)


def test_rejection_email_carries_the_reason(notice, site_owner):
    deliver_queued_mail()  # the receipt
    mail.outbox.clear()
    services.notice_reject(notice=notice, actor=site_owner, note="政府公开文件，不受著作权法保护")
    deliver_queued_mail()
    (message,) = mail.outbox
    assert "未予支持" in message.subject and "政府公开文件，不受著作权法保护" in message.body


def test_a_decision_and_its_mail_are_saved_together_or_not_at_all(notice, site_owner):
    deliver_queued_mail()  # the receipt
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notice_uphold(notice=notice, actor=site_owner)
        # Queued in the decision's own transaction, not after it: a crash after the commit loses nothing.
        assert OutgoingEmail.objects.queued().filter(subject__contains="内容已屏蔽").exists()
        raise RuntimeError("the request fails after the decision")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.RECEIVED
    assert not OutgoingEmail.objects.queued().exists()
    assert deliver_queued_mail() == 0

    services.notice_uphold(notice=notice, actor=site_owner)
    assert OutgoingEmail.objects.queued().get().subject.endswith(f"内容已屏蔽（{notice.receipt}）")


def test_a_counter_notice_under_the_regulation_tells_the_claimant_the_content_is_restored(report, site_owner):
    notice = TakedownNoticeFactory(report=report, legal_basis=LegalBasis.REGULATION)  # no waiting period
    services.notice_uphold(notice=notice, actor=site_owner, now=MONDAY)
    counter(notice, now=MONDAY)
    deliver_queued_mail()
    forwarded, restored = mail.outbox[-2:]
    assert "反通知" in forwarded.subject and "上述内容已恢复" in forwarded.body and "李四" in forwarded.body
    assert "已恢复" in restored.subject
