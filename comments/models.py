from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from reports.models import Report

from .validators import DEFAULT_NICKNAME, validate_plain_text


class CommentStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "已拒绝"
    SPAM = "spam", "垃圾评论"
    REMOVED = "removed", "已删除"


class ModerationMode(models.TextChoices):
    PRE = "pre", "先审后发"
    POST = "post", "先发后审"


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=CommentStatus.APPROVED)

    def visible(self):
        """What readers see and count: approved and not blocked by a copyright takedown."""
        return self.approved().filter(is_restricted=False)

    def pending(self):
        return self.filter(status=CommentStatus.PENDING)

    def top_level(self):
        return self.filter(parent__isnull=True)

    def shown_in_thread_list(self):
        """Top-level comments that take a place in the list: approved ones (restricted ones are
        shown as a notice), and removed ones that still have visible replies (shown as a notice
        so the replies keep their context)."""
        visible_replies = Comment.objects.visible().filter(parent=models.OuterRef("pk"))
        return self.top_level().filter(Q(status=CommentStatus.APPROVED) | models.Exists(visible_replies))

    def oldest_first(self):
        return self.order_by("created_at", "id")


class Comment(models.Model):
    report = models.ForeignKey(Report, verbose_name="报告", on_delete=models.CASCADE, related_name="comments")
    # One level of replies: services attach a reply to a reply to the top-level comment.
    parent = models.ForeignKey(
        "self", verbose_name="回复的评论", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    nickname = models.CharField("昵称", max_length=30, default=DEFAULT_NICKNAME, validators=[validate_plain_text])
    body = models.TextField("内容", max_length=settings.COMMENTS_MAX_LENGTH, validators=[validate_plain_text])
    email = models.EmailField("邮箱", blank=True, help_text="不公开，仅供站方联系。")
    status = models.CharField("状态", max_length=16, choices=CommentStatus.choices, default=CommentStatus.PENDING)
    is_restricted = models.BooleanField("因版权投诉屏蔽", default=False, editable=False)
    hold_reason = models.CharField("待审原因", max_length=100, blank=True, editable=False)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True, editable=False)
    user_agent = models.CharField("浏览器标识", max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField("发表时间", auto_now_add=True)
    moderated_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "评论"
        constraints = [
            models.CheckConstraint(name="comment_status_valid", condition=Q(status__in=CommentStatus.values)),
            models.CheckConstraint(name="comment_body_not_blank", condition=~Q(body="")),
            models.CheckConstraint(name="comment_not_own_parent", condition=~Q(parent=F("id"))),
        ]
        indexes = [
            # The article's thread list and the per-report recount.
            models.Index(fields=["report", "parent", "status", "created_at"], name="comment_report_thread_idx"),
            # Flood control and duplicate detection look at one address over the last hour or day.
            models.Index(fields=["ip", "created_at"], name="comment_ip_recent_idx"),
            # The moderation queue and the admin index count.
            models.Index(fields=["status", "-created_at"], name="comment_status_idx"),
            models.Index(fields=["created_at"], name="comment_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.nickname}：{self.body[:30]}"

    def get_absolute_url(self) -> str:
        return f"{self.report.get_absolute_url()}#comment-{self.pk}"


class CommentThread(models.Model):
    """Per-report comment state, kept here so that reports need no column for it: whether the
    report takes comments, and the counts readers see (maintained by comments.services in the
    transaction that changes a comment, so pages never count)."""

    report = models.OneToOneField(
        Report, verbose_name="报告", primary_key=True, on_delete=models.CASCADE, related_name="comment_thread"
    )
    is_closed = models.BooleanField("关闭评论", default=False)
    visible_count = models.PositiveIntegerField("可见评论数", default=0, editable=False)
    # Top-level entries in the list (see CommentQuerySet.shown_in_thread_list): the page count.
    thread_count = models.PositiveIntegerField("楼层数", default=0, editable=False)

    class Meta:
        ordering = ["-report"]
        verbose_name = verbose_name_plural = "评论区"

    def __str__(self) -> str:
        return f"{self.report_id} 的评论区"

    def accepts_comments(self, configuration: "CommentSettings") -> bool:
        """Open unless closed for the whole site or for this report."""
        return not (configuration.comments_closed or self.is_closed)


class CommentSettings(models.Model):
    """Site-wide comment settings: a single row (pk=1) edited in admin."""

    moderation_mode = models.CharField(
        "审核方式", max_length=8, choices=ModerationMode.choices, default=ModerationMode.PRE
    )
    comments_closed = models.BooleanField("全站关闭评论", default=False)
    moderation_words = models.TextField(
        "待审词", blank=True, help_text="每行一个词；评论含有其中任何一个时，先审后发（不区分大小写）。"
    )
    block_words = models.TextField(
        "屏蔽词", blank=True, help_text="每行一个词；评论含有其中任何一个时，直接标为垃圾评论（不区分大小写）。"
    )
    min_interval_seconds = models.PositiveIntegerField(
        "同一 IP 发表间隔（秒）", default=15, help_text="同一 IP 两条评论之间至少相隔的秒数。"
    )
    hourly_limit = models.PositiveIntegerField(
        "同一 IP 每小时上限", default=20, help_text="同一 IP 在一小时内最多可发表的评论数。"
    )
    flag_hide_threshold = models.PositiveIntegerField(
        "举报隐藏阈值",
        default=3,
        validators=[MinValueValidator(1)],
        help_text="一条已发表的评论被这么多不同的读者举报后，自动隐藏并回到待审核，等待复核。",
    )
    flag_hourly_limit = models.PositiveIntegerField(
        "同一读者每小时举报上限", default=10, help_text="同一读者（按网络地址）在一小时内最多可提交的举报数。"
    )

    class Meta:
        verbose_name = verbose_name_plural = "评论设置"
        constraints = [
            models.CheckConstraint(name="comment_settings_singleton", condition=Q(pk=1)),
            models.CheckConstraint(
                name="comment_settings_flag_threshold_positive", condition=Q(flag_hide_threshold__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return "评论设置"

    @classmethod
    def current(cls) -> "CommentSettings":
        configuration, _ = cls.objects.get_or_create(pk=1)
        return configuration

    @staticmethod
    def _words(text: str) -> list[str]:
        return [word.strip().casefold() for word in text.splitlines() if word.strip()]

    @property
    def moderation_word_list(self) -> list[str]:
        return self._words(self.moderation_words)

    @property
    def block_word_list(self) -> list[str]:
        return self._words(self.block_words)

    @property
    def is_post_moderation(self) -> bool:
        return self.moderation_mode == ModerationMode.POST


class FlagReason(models.TextChoices):
    SPAM = "spam", "垃圾广告"
    ABUSE = "abuse", "辱骂、人身攻击"
    ILLEGAL = "illegal", "违法违规、有害信息"
    PRIVACY = "privacy", "泄露他人隐私"
    FALSE = "false", "谣言、不实信息"
    OTHER = "other", "其他（请在下面说明）"


class CommentFlagQuerySet(models.QuerySet):
    def unreviewed(self, comment: Comment):
        """Flags made since a moderator last decided on the comment: a comment approved again
        after review is hidden again only by new flags."""
        flags = self.filter(comment=comment)
        if comment.moderated_at is not None:
            flags = flags.filter(created_at__gt=comment.moderated_at)
        return flags


class CommentFlag(models.Model):
    """A reader's report (举报) of a comment. The reader is kept only as digests of the address:
    `client` stands for the address on this comment alone (once per comment per client), and
    `client_today` for the address on this day (the hourly limit); neither can be matched across
    comments or days to the address."""

    comment = models.ForeignKey(Comment, verbose_name="评论", on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField("举报原因", max_length=16, choices=FlagReason.choices)
    detail = models.TextField("补充说明", max_length=500, blank=True, validators=[validate_plain_text])
    client = models.CharField("举报人标识", max_length=40, editable=False)
    client_today = models.CharField("举报人当日标识", max_length=40, editable=False)
    created_at = models.DateTimeField("举报时间", auto_now_add=True)

    objects = CommentFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "举报"
        constraints = [
            models.UniqueConstraint(fields=["comment", "client"], name="comment_flag_once_per_client"),
            models.CheckConstraint(name="comment_flag_reason_valid", condition=Q(reason__in=FlagReason.values)),
        ]
        indexes = [
            # The hourly limit looks at one client's flags over the last hour.
            models.Index(fields=["client_today", "created_at"], name="comment_flag_client_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}：{self.comment_id}"
