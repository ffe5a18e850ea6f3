from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from reports.models import Report

from .storage import private_storage


class LegalBasis(models.TextChoices):
    REGULATION = "regulation", "《信息网络传播权保护条例》"
    CIVIL_CODE = "civil_code", "《民法典》第一千一百九十五条"
    DMCA = "dmca", "美国《数字千年版权法》第512条（DMCA）"


class NoticeStatus(models.TextChoices):
    RECEIVED = "received", "已受理"
    UNDER_REVIEW = "under_review", "审核中"
    UPHELD = "upheld", "投诉成立，已屏蔽"
    REJECTED = "rejected", "投诉不成立"
    WITHDRAWN = "withdrawn", "投诉人已撤回"
    COUNTER_NOTICE = "counter_notice", "已收到反通知"
    RESTORED = "restored", "已恢复"
    KEPT_RESTRICTED = "kept_restricted", "维持屏蔽"


# States in which a notice still waits for the site owner.
OPEN_STATUSES = [NoticeStatus.RECEIVED, NoticeStatus.UNDER_REVIEW]
# States after a decision on the merits: what the transparency page lists.
DECIDED_STATUSES = [
    NoticeStatus.UPHELD,
    NoticeStatus.REJECTED,
    NoticeStatus.COUNTER_NOTICE,
    NoticeStatus.RESTORED,
    NoticeStatus.KEPT_RESTRICTED,
]
# States in which the notice's items are restricted.
RESTRICTING_STATUSES = [NoticeStatus.UPHELD, NoticeStatus.COUNTER_NOTICE, NoticeStatus.KEPT_RESTRICTED]


class IdDocumentType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO_PERMIT = "hk_macao", "港澳居民来往内地通行证"
    TAIWAN_PERMIT = "taiwan", "台湾居民来往大陆通行证"
    CREDIT_CODE = "credit_code", "统一社会信用代码（单位）"
    OTHER = "other", "其他证件"


class RightClaimed(models.TextChoices):
    NETWORK_DISSEMINATION = "network_dissemination", "信息网络传播权"
    REPRODUCTION = "reproduction", "复制权"
    COMPILATION = "compilation", "汇编权"
    OTHER = "other", "其他著作权"


class TakedownNoticeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def decided(self):
        return self.filter(status__in=DECIDED_STATUSES)

    def restricting(self):
        return self.filter(status__in=RESTRICTING_STATUSES)

    def restoration_due(self, now):
        return self.filter(status=NoticeStatus.COUNTER_NOTICE, restore_due_at__lte=now)


class TakedownNotice(models.Model):
    """A rights holder's notice (通知书, 条例 Art. 14) and where it stands in the workflow."""

    receipt = models.CharField("受理编号", max_length=20, unique=True, editable=False)
    status = models.CharField(
        "状态", max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.RECEIVED, editable=False
    )
    legal_basis = models.CharField("法律依据", max_length=20, choices=LegalBasis.choices, default=LegalBasis.REGULATION)

    claimant_name = models.CharField("权利人姓名或名称", max_length=100)
    claimant_organisation = models.CharField("权利人单位", max_length=200, blank=True)
    id_type = models.CharField("证件类型", max_length=20, choices=IdDocumentType.choices)
    id_number = models.CharField("证件号码", max_length=50)
    address = models.CharField("联系地址", max_length=300)
    phone = models.CharField("联系电话", max_length=30)
    email = models.EmailField("电子邮箱")

    filed_by_agent = models.BooleanField("由代理人提交", default=False)
    agent_name = models.CharField("代理人姓名或名称", max_length=100, blank=True)

    work_title = models.CharField("作品名称", max_length=200)
    right_claimed = models.CharField("主张的权利", max_length=30, choices=RightClaimed.choices)
    evidence_text = models.TextField("权属及侵权的初步证明")
    declaration = models.BooleanField("承诺通知内容真实", default=False)

    created_at = models.DateTimeField("提交时间", editable=False)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True, editable=False)
    restricted_at = models.DateTimeField("屏蔽时间", null=True, blank=True, editable=False)
    restore_due_at = models.DateTimeField("恢复时间（等待期满）", null=True, blank=True, editable=False)
    restored_at = models.DateTimeField("恢复时间", null=True, blank=True, editable=False)

    objects = TakedownNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "版权投诉"
        permissions = [("decide_takedownnotice", "可以处理版权投诉（屏蔽、驳回、恢复）")]
        constraints = [
            models.CheckConstraint(name="takedown_notice_status_valid", condition=Q(status__in=NoticeStatus.values)),
            models.CheckConstraint(name="takedown_notice_basis_valid", condition=Q(legal_basis__in=LegalBasis.values)),
            models.CheckConstraint(
                name="takedown_notice_receipt_format", condition=Q(receipt__regex=r"^TD-[0-9]{4}-[0-9]{6,}$")
            ),
            models.CheckConstraint(name="takedown_notice_declared", condition=Q(declaration=True)),
            models.CheckConstraint(
                name="takedown_notice_agent_named", condition=Q(filed_by_agent=False) | ~Q(agent_name="")
            ),
            models.CheckConstraint(
                name="takedown_notice_decided_has_date",
                condition=~Q(status__in=DECIDED_STATUSES) | Q(decided_at__isnull=False),
            ),
            models.CheckConstraint(
                name="takedown_notice_counter_has_due_date",
                condition=~Q(status=NoticeStatus.COUNTER_NOTICE) | Q(restore_due_at__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="takedown_notice_status_idx"),
            models.Index(fields=["-decided_at"], name="takedown_notice_decided_idx"),
        ]

    def __str__(self) -> str:
        return self.receipt

    @property
    def public_claimant(self) -> str:
        """What the public may know of the claimant: an organisation, never a person."""
        return self.claimant_organisation or "个人"


class ItemKind(models.TextChoices):
    REPORT = "report", "报告"
    COMMENT = "comment", "评论"


class TakedownItem(models.Model):
    """One address named in a notice, resolved to the report or comment it shows."""

    notice = models.ForeignKey(TakedownNotice, verbose_name="投诉", on_delete=models.PROTECT, related_name="items")
    kind = models.CharField("类型", max_length=10, choices=ItemKind.choices)
    address = models.CharField("网址", max_length=300)
    # A comment's item also names its report, so that the report's restriction story is one lookup.
    report = models.ForeignKey(Report, verbose_name="报告", on_delete=models.PROTECT, related_name="takedown_items")
    comment = models.ForeignKey(
        "comments.Comment",
        verbose_name="评论",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="takedown_items",
    )

    class Meta:
        ordering = ["notice", "id"]
        verbose_name = verbose_name_plural = "投诉内容"
        constraints = [
            models.UniqueConstraint(fields=["notice", "address"], name="takedown_item_unique_address"),
            models.CheckConstraint(name="takedown_item_kind_valid", condition=Q(kind__in=ItemKind.values)),
            models.CheckConstraint(
                name="takedown_item_comment_iff_kind_comment",
                condition=Q(kind=ItemKind.REPORT, comment__isnull=True)
                | Q(kind=ItemKind.COMMENT, comment__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.address


class AttachmentKind(models.TextChoices):
    EVIDENCE = "evidence", "证明材料"
    AUTHORISATION = "authorisation", "授权委托书"
    COUNTER_EVIDENCE = "counter_evidence", "反通知证明材料"


class TakedownAttachment(models.Model):
    notice = models.ForeignKey(
        TakedownNotice, verbose_name="投诉", on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField("类型", max_length=20, choices=AttachmentKind.choices)
    file = models.FileField("文件", storage=private_storage, upload_to="takedowns/%Y/%m/", max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=50)
    size = models.PositiveIntegerField("大小（字节）")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["notice", "id"]
        verbose_name = verbose_name_plural = "投诉附件"
        constraints = [
            models.CheckConstraint(name="takedown_attachment_kind_valid", condition=Q(kind__in=AttachmentKind.values)),
            models.CheckConstraint(
                name="takedown_attachment_type_allowed",
                condition=Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("admin:takedowns_takedownattachment_download", args=[self.pk])


class CounterNotice(models.Model):
    """The content provider's counter-notice (书面说明, 条例 Art. 16)."""

    notice = models.OneToOneField(
        TakedownNotice, verbose_name="投诉", on_delete=models.PROTECT, related_name="counter_notice"
    )
    name = models.CharField("姓名或名称", max_length=100)
    id_type = models.CharField("证件类型", max_length=20, choices=IdDocumentType.choices)
    id_number = models.CharField("证件号码", max_length=50)
    address = models.CharField("联系地址", max_length=300)
    phone = models.CharField("联系电话", max_length=30)
    email = models.EmailField("电子邮箱")
    statement = models.TextField("不构成侵权的初步证明")
    declaration = models.BooleanField("承诺说明内容真实", default=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代为登记的工作人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("提交时间", editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "反通知"
        constraints = [models.CheckConstraint(name="counter_notice_declared", condition=Q(declaration=True))]

    def __str__(self) -> str:
        return f"{self.notice.receipt} 反通知"


class EventKind(models.TextChoices):
    TRANSITION = "transition", "状态变更"
    # A site owner saw the claimant's or provider's contact and ID data in full (editors see them masked).
    PERSONAL_DATA_VIEWED = "personal_data_viewed", "查看个人信息"


class TakedownEvent(models.Model):
    """One step of a notice's workflow, or a site owner's look at its personal data. Append-only: a
    database trigger refuses updates and deletes."""

    notice = models.ForeignKey(TakedownNotice, verbose_name="投诉", on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField("操作方", max_length=50)
    kind = models.CharField("类型", max_length=30, choices=EventKind.choices, default=EventKind.TRANSITION)
    from_status = models.CharField("原状态", max_length=20, choices=NoticeStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=NoticeStatus.choices, blank=True)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("时间", editable=False)

    class Meta:
        ordering = ["notice", "created_at", "id"]
        verbose_name = verbose_name_plural = "投诉处理记录"
        constraints = [
            models.CheckConstraint(name="takedown_event_kind_valid", condition=Q(kind__in=EventKind.values)),
            models.CheckConstraint(
                name="takedown_event_to_status_valid",
                condition=Q(to_status__in=NoticeStatus.values) | ~Q(kind=EventKind.TRANSITION),
            ),
            models.CheckConstraint(
                name="takedown_event_from_status_valid",
                condition=Q(from_status="") | Q(from_status__in=NoticeStatus.values),
            ),
            models.CheckConstraint(
                name="takedown_event_is_a_transition",
                condition=~Q(kind=EventKind.TRANSITION) | ~Q(from_status=models.F("to_status")),
            ),
            models.CheckConstraint(
                name="takedown_event_view_changes_nothing",
                condition=Q(kind=EventKind.TRANSITION) | Q(from_status="", to_status=""),
            ),
        ]
        indexes = [models.Index(fields=["notice", "created_at"], name="takedown_event_notice_idx")]

    def __str__(self) -> str:
        if self.kind != EventKind.TRANSITION:
            return self.get_kind_display()
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class ReceiptCounter(models.Model):
    """The last receipt number handed out per year; bumped with an upsert so that concurrent
    notices never share a number."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    last = models.PositiveIntegerField("最后编号", default=0)

    class Meta:
        ordering = ["year"]
        verbose_name = verbose_name_plural = "受理编号计数"

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
