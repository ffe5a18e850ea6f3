"""Every message the site sends, kept from the moment it is queued until it is delivered or given up."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class OutgoingEmailQuerySet(models.QuerySet):
    def queued(self):
        return self.filter(status=EmailStatus.QUEUED)

    def failed(self):
        return self.filter(status=EmailStatus.FAILED)

    def retrying(self):
        """Still queued, but at least one delivery has failed."""
        return self.queued().filter(attempts__gt=0)


class OutgoingEmail(models.Model):
    to = models.EmailField("收件人")
    subject = models.CharField("主题", max_length=255)
    body = models.TextField("正文")
    status = models.CharField("状态", max_length=16, choices=EmailStatus, default=EmailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    last_error = models.TextField("最近一次错误", blank=True)
    created_at = models.DateTimeField("排队时间", default=timezone.now)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    # The one delivery task allowed to send this message; an older task (superseded by a retry or a
    # re-send) finds another id here and does nothing, so a message never has two senders.
    task_id = models.CharField("发送任务", max_length=64, blank=True, editable=False)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = "外发邮件"
        verbose_name_plural = "外发邮件"
        ordering = ["-created_at", "-id"]
        permissions = [("resend_outgoingemail", "可以重新发送发送失败的邮件")]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_email_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=EmailStatus.SENT, sent_at__isnull=False)
                | (~Q(status=EmailStatus.SENT) & Q(sent_at__isnull=True)),
                name="outbox_email_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=EmailStatus.QUEUED) | Q(next_attempt_at__isnull=False),
                name="outbox_email_queued_has_next_attempt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to}：{self.subject}"
