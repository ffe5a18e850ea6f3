"""Writes of the takedown workflow. Every change of state goes through `_transition`, which locks
the notice, refuses moves the workflow does not allow and appends an event. Time comes in as
`now` so that tests (and the housekeeping command) can move the clock."""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone

from comments.services import comments_set_restricted
from reports.services import reports_set_restricted

from . import emails
from .addresses import ResolvedAddress
from .models import (
    RESTRICTING_STATUSES,
    AttachmentKind,
    CounterNotice,
    EventKind,
    ItemKind,
    LegalBasis,
    NoticeStatus,
    TakedownAttachment,
    TakedownEvent,
    TakedownItem,
    TakedownNotice,
)
from .uploads import display_name, sniff_content_type, storage_name

DECIDE_PERMISSION = "takedowns.decide_takedownnotice"

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    NoticeStatus.RECEIVED: {
        NoticeStatus.UNDER_REVIEW,
        NoticeStatus.UPHELD,
        NoticeStatus.REJECTED,
        NoticeStatus.WITHDRAWN,
    },
    NoticeStatus.UNDER_REVIEW: {NoticeStatus.UPHELD, NoticeStatus.REJECTED, NoticeStatus.WITHDRAWN},
    NoticeStatus.UPHELD: {NoticeStatus.COUNTER_NOTICE},
    NoticeStatus.COUNTER_NOTICE: {NoticeStatus.RESTORED, NoticeStatus.KEPT_RESTRICTED},
}

CLAIMANT = "投诉人"
PROVIDER = "内容提供者"
SYSTEM = "系统"


class TransitionRefused(ValidationError):
    pass


def _label(actor: AbstractBaseUser | None, fallback: str) -> str:
    return actor.get_username() if actor is not None else fallback


def _require_decider(actor: AbstractBaseUser) -> None:
    if actor is None or not actor.has_perm(DECIDE_PERMISSION):
        raise PermissionDenied("只有站长可以处理版权投诉。")


def _transition(
    *,
    notice: TakedownNotice,
    to_status: str,
    actor: AbstractBaseUser | None,
    actor_label: str,
    note: str,
    now: datetime.datetime,
    **changes,
) -> TakedownNotice:
    """Move a (locked, fresh) notice to `to_status`, recording who, when, from → to and why."""
    locked = TakedownNotice.objects.select_for_update().get(pk=notice.pk)
    from_status = locked.status
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, set()):
        raise TransitionRefused(
            "投诉 %(receipt)s 当前状态为“%(current)s”，不能变为“%(target)s”。",
            code="invalid_transition",
            params={
                "receipt": locked.receipt,
                "current": NoticeStatus(from_status).label,
                "target": NoticeStatus(to_status).label,
            },
        )
    locked.status = to_status
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save(update_fields=["status", *changes])
    _event(
        notice=locked,
        actor=actor,
        actor_label=actor_label,
        from_status=from_status,
        to_status=to_status,
        note=note,
        now=now,
    )
    return locked


def _decide(
    *,
    notice: TakedownNotice,
    actor: AbstractBaseUser,
    to_status: str,
    note: str,
    now: datetime.datetime | None,
    reason_required: str = "",
    **changes,
) -> TakedownNotice:
    """A site owner's decision: only they may take it (checked first), recorded under their name.
    `reason_required` is the message when the decision needs a reason and `note` gives none."""
    _require_decider(actor)
    if reason_required and not note.strip():
        raise ValidationError({"note": reason_required}, code="reason_required")
    return _transition(
        notice=notice,
        to_status=to_status,
        actor=actor,
        actor_label=_label(actor, SYSTEM),
        note=note,
        now=now or timezone.now(),
        **changes,
    )


def _event(
    *, notice, actor, actor_label, from_status, to_status, note, now, kind=EventKind.TRANSITION
) -> TakedownEvent:
    event = TakedownEvent(
        notice=notice,
        actor=actor,
        actor_label=actor_label,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        created_at=now,
    )
    event.full_clean()
    event.save(force_insert=True)
    return event


PERSONAL_DATA_SHOWN = "在管理后台查看了完整的证件号码、联系电话、地址和邮箱"


def notice_personal_data_viewed(
    *, notice: TakedownNotice, viewer: AbstractBaseUser, note: str = PERSONAL_DATA_SHOWN, now=None
) -> TakedownEvent:
    """Record that a site owner was shown the notice's personal data in full (ID numbers and contact
    details of the claimant and the provider, or an attachment); only site owners may see them."""
    _require_decider(viewer)
    return _event(
        notice=notice,
        actor=viewer,
        actor_label=_label(viewer, SYSTEM),
        kind=EventKind.PERSONAL_DATA_VIEWED,
        from_status="",
        to_status="",
        note=note,
        now=now or timezone.now(),
    )


def receipt_next(*, now: datetime.datetime) -> str:
    """TD-<year>-<6 digits>, counted per year by an upsert that serialises concurrent notices."""
    year = timezone.localtime(now).year
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO takedowns_receiptcounter (year, last) VALUES (%s, 1) "
            "ON CONFLICT (year) DO UPDATE SET last = takedowns_receiptcounter.last + 1 RETURNING last",
            [year],
        )
        number = cursor.fetchone()[0]
    return f"TD-{year}-{number:06d}"


class UploadsNotSaved(Exception):
    """The attached files could not be written (a full disk, a quota): nothing of the submission
    was kept, neither rows nor files, and it may be sent again."""

    message = "服务器暂时无法保存上传的文件，提交未完成（没有保存任何内容）。请稍后重新提交；您填写的文字已保留。"


def _attach_all(*, notice: TakedownNotice, uploads: list[tuple[UploadedFile, str]]) -> list[TakedownAttachment]:
    """Store each (upload, kind); if one cannot be written, remove those already written and raise
    UploadsNotSaved, so that the transaction around it leaves no row and no file behind."""
    attached: list[TakedownAttachment] = []
    try:
        for upload, kind in uploads:
            attached.append(_attach(notice=notice, upload=upload, kind=kind))
    except OSError as error:
        for attachment in attached:
            attachment.file.storage.delete(attachment.file.name)
        raise UploadsNotSaved from error
    return attached


def _attach(*, notice: TakedownNotice, upload: UploadedFile, kind: str) -> TakedownAttachment:
    content_type = sniff_content_type(upload)
    attachment = TakedownAttachment(
        notice=notice,
        kind=kind,
        original_name=display_name(upload),
        content_type=content_type,
        size=upload.size,
    )
    attachment.file.save(storage_name(content_type), upload, save=False)
    try:
        attachment.full_clean()
        attachment.save()
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def notice_create(
    *,
    claimant_name: str,
    claimant_organisation: str = "",
    id_type: str,
    id_number: str,
    address: str,
    phone: str,
    email: str,
    filed_by_agent: bool = False,
    agent_name: str = "",
    authorisation: UploadedFile | None = None,
    items: list[ResolvedAddress],
    work_title: str,
    right_claimed: str,
    evidence_text: str,
    attachments: list[UploadedFile] = (),
    legal_basis: str = LegalBasis.REGULATION,
    declaration: bool,
    now: datetime.datetime | None = None,
) -> TakedownNotice:
    now = now or timezone.now()
    if not items:
        raise ValidationError("通知至少要列出一个本站网址。", code="no_items")
    if filed_by_agent and authorisation is None:
        raise ValidationError("代理人提交时须上传授权委托书。", code="no_authorisation")
    if len(attachments) > settings.TAKEDOWN_MAX_ATTACHMENTS:
        raise ValidationError("证明材料最多 %(max)s 个文件。", params={"max": settings.TAKEDOWN_MAX_ATTACHMENTS})
    notice = TakedownNotice(
        receipt=receipt_next(now=now),
        claimant_name=claimant_name,
        claimant_organisation=claimant_organisation,
        id_type=id_type,
        id_number=id_number,
        address=address,
        phone=phone,
        email=email,
        filed_by_agent=filed_by_agent,
        agent_name=agent_name if filed_by_agent else "",
        work_title=work_title,
        right_claimed=right_claimed,
        evidence_text=evidence_text,
        legal_basis=legal_basis,
        declaration=declaration,
        created_at=now,
    )
    notice.full_clean()
    notice.save(force_insert=True)
    for item in items:
        TakedownItem.objects.create(
            notice=notice, kind=item.kind, address=item.address, report=item.report, **_comment_field(item)
        )
    uploads = [(authorisation, AttachmentKind.AUTHORISATION)] if filed_by_agent else []
    _attach_all(notice=notice, uploads=[*uploads, *((upload, AttachmentKind.EVIDENCE) for upload in attachments)])
    _event(
        notice=notice,
        actor=None,
        actor_label=notice.agent_name if filed_by_agent else CLAIMANT,
        from_status="",
        to_status=NoticeStatus.RECEIVED,
        note="通过网站提交通知",
        now=now,
    )
    emails.send_receipt(notice)
    return notice


def _comment_field(item: ResolvedAddress) -> dict:
    return {"comment": item.comment} if item.kind == ItemKind.COMMENT else {}


def _set_items_restricted(*, notice: TakedownNotice, restricted: bool) -> None:
    """Restrict or restore exactly the notice's items; an item that another notice still
    restricts stays restricted."""
    items = list(notice.items.all())
    report_ids = {item.report_id for item in items if item.kind == ItemKind.REPORT}
    comment_ids = {item.comment_id for item in items if item.kind == ItemKind.COMMENT}
    if not restricted:
        held_elsewhere = TakedownItem.objects.filter(notice__status__in=RESTRICTING_STATUSES).exclude(notice=notice)
        report_ids -= set(
            held_elsewhere.filter(kind=ItemKind.REPORT, report_id__in=report_ids).values_list("report_id", flat=True)
        )
        comment_ids -= set(
            held_elsewhere.filter(kind=ItemKind.COMMENT, comment_id__in=comment_ids).values_list(
                "comment_id", flat=True
            )
        )
    reports_set_restricted(report_ids=report_ids, restricted=restricted)
    comments_set_restricted(comment_ids=comment_ids, restricted=restricted)


@transaction.atomic
def notice_start_review(
    *, notice: TakedownNotice, actor: AbstractBaseUser, note: str = "", now: datetime.datetime | None = None
) -> TakedownNotice:
    return _decide(notice=notice, actor=actor, to_status=NoticeStatus.UNDER_REVIEW, note=note, now=now)


@transaction.atomic
def notice_uphold(
    *, notice: TakedownNotice, actor: AbstractBaseUser, note: str = "", now: datetime.datetime | None = None
) -> TakedownNotice:
    """The notice is well-founded: restrict its items, tell the claimant and forward the notice to the providers."""
    now = now or timezone.now()
    notice = _decide(
        notice=notice, actor=actor, to_status=NoticeStatus.UPHELD, note=note, now=now, decided_at=now, restricted_at=now
    )
    _set_items_restricted(notice=notice, restricted=True)
    emails.send_decision(notice)
    emails.forward_notice_to_providers(notice)
    return notice


@transaction.atomic
def notice_reject(
    *, notice: TakedownNotice, actor: AbstractBaseUser, note: str = "", now: datetime.datetime | None = None
) -> TakedownNotice:
    now = now or timezone.now()
    notice = _decide(
        notice=notice,
        actor=actor,
        to_status=NoticeStatus.REJECTED,
        note=note,
        now=now,
        reason_required="驳回投诉时须说明理由（会发送给投诉人）。",
        decided_at=now,
    )
    emails.send_decision(notice, reason=note)
    return notice


@transaction.atomic
def notice_withdraw(
    *, notice: TakedownNotice, actor: AbstractBaseUser, note: str = "", now: datetime.datetime | None = None
) -> TakedownNotice:
    """The claimant withdrew the notice (by email or letter; a site owner records it)."""
    return _decide(notice=notice, actor=actor, to_status=NoticeStatus.WITHDRAWN, note=note, now=now)


def waiting_period_end(*, legal_basis: str, start: datetime.datetime) -> datetime.datetime:
    """When content restricted under `legal_basis` is restored after a counter-notice received at `start`."""
    amount, unit = settings.TAKEDOWN_WAITING_PERIODS[legal_basis]
    if unit == "days":
        return start + datetime.timedelta(days=amount)
    if unit != "business_days":
        raise ValueError(f"unknown waiting period unit {unit!r}")
    local = timezone.localtime(start)
    day = local
    remaining = amount
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day


@transaction.atomic
def counter_notice_create(
    *,
    notice: TakedownNotice,
    name: str,
    id_type: str,
    id_number: str,
    address: str,
    phone: str,
    email: str,
    statement: str,
    declaration: bool,
    attachments: list[UploadedFile] = (),
    filed_by: AbstractBaseUser | None = None,
    now: datetime.datetime | None = None,
) -> CounterNotice:
    """Record a content provider's counter-notice (from the signed link, or entered by staff), forward
    it to the claimant and start the waiting period; a zero period restores at once."""
    if filed_by is not None and not filed_by.has_perm("takedowns.add_counternotice"):
        raise PermissionDenied("您没有登记反通知的权限。")
    if len(attachments) > settings.TAKEDOWN_MAX_ATTACHMENTS:
        raise ValidationError("证明材料最多 %(max)s 个文件。", params={"max": settings.TAKEDOWN_MAX_ATTACHMENTS})
    now = now or timezone.now()
    due = waiting_period_end(legal_basis=notice.legal_basis, start=now)
    notice = _transition(
        notice=notice,
        to_status=NoticeStatus.COUNTER_NOTICE,
        actor=filed_by,
        actor_label=_label(filed_by, PROVIDER),
        note="工作人员代为登记反通知" if filed_by else "内容提供者通过网站提交反通知",
        now=now,
        restore_due_at=due,
    )
    counter = CounterNotice(
        notice=notice,
        name=name,
        id_type=id_type,
        id_number=id_number,
        address=address,
        phone=phone,
        email=email,
        statement=statement,
        declaration=declaration,
        filed_by=filed_by,
        created_at=now,
    )
    counter.full_clean()
    counter.save(force_insert=True)
    _attach_all(notice=notice, uploads=[(upload, AttachmentKind.COUNTER_EVIDENCE) for upload in attachments])
    restore_now = due <= now
    if restore_now:
        notice = _restore(notice=notice, now=now, note="依据条例第十七条，收到反通知后立即恢复")
    emails.forward_counter_notice(notice, counter)
    if restore_now:
        emails.send_restored(notice)
    return counter


@transaction.atomic
def notice_keep_restricted(
    *, notice: TakedownNotice, actor: AbstractBaseUser, note: str, now: datetime.datetime | None = None
) -> TakedownNotice:
    """The claimant reported a complaint to the authorities or a lawsuit within the waiting period."""
    # Allowed until the restoration has actually happened, even if the waiting period has just ended.
    return _decide(
        notice=notice,
        actor=actor,
        to_status=NoticeStatus.KEPT_RESTRICTED,
        note=note,
        now=now,
        reason_required="请写明投诉人提起的投诉或诉讼（机关、案号、日期）。",
    )


def _restore(*, notice: TakedownNotice, now: datetime.datetime, note: str) -> TakedownNotice:
    notice = _transition(
        notice=notice,
        to_status=NoticeStatus.RESTORED,
        actor=None,
        actor_label=SYSTEM,
        note=note,
        now=now,
        restored_at=now,
    )
    _set_items_restricted(notice=notice, restricted=False)
    return notice


def notices_restore_due(*, now: datetime.datetime | None = None) -> int:
    """Restore the items of every notice whose counter-notice waiting period has passed (housekeeping)."""
    now = now or timezone.now()
    restored = 0
    for notice in TakedownNotice.objects.restoration_due(now).order_by("restore_due_at"):
        try:
            with transaction.atomic():
                restored_notice = _restore(
                    notice=notice, now=now, note="反通知等待期届满，投诉人未告知已提起投诉或诉讼"
                )
                emails.send_restored(restored_notice)
        except TransitionRefused:
            continue  # a site owner kept it restricted in the meantime
        restored += 1
    return restored
