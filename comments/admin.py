from django.contrib import admin, messages
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html

from portal.admin_base import ReadOnlyMixin
from reports.models import Report

from . import services
from .models import Comment, CommentFlag, CommentSettings, CommentStatus, CommentThread


class ReportWithCommentsFilter(admin.SimpleListFilter):
    """Reports that have comments, busiest last-commented first (a list of every report would be
    a million rows); the report link in each row filters by any report."""

    title = "报告"
    parameter_name = "report"

    def lookups(self, request, model_admin):
        recent = Comment.objects.order_by("-created_at").values_list("report_id", flat=True).distinct()[:200]
        report_ids = list(dict.fromkeys(recent))[:30]
        titles = dict(Report.objects.filter(pk__in=report_ids).values_list("pk", "title"))
        return [(str(pk), titles.get(pk, pk)) for pk in report_ids]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(report_id=int(value))
        return queryset


class FlaggedFilter(admin.SimpleListFilter):
    title = "举报"
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", "被举报过"), ("no", "未被举报")]

    def queryset(self, request, queryset):
        flagged = Exists(CommentFlag.objects.filter(comment=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(flagged)
        if self.value() == "no":
            return queryset.filter(~flagged)
        return queryset


class CommentFlagInline(ReadOnlyMixin, admin.TabularInline):
    """What readers reported (举报), newest first; who reported is kept only as a digest, not shown."""

    model = CommentFlag
    fields = ["reason", "detail", "created_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderation queue. Status changes go through comments.services (bulk actions), which
    keep the counts readers see right; the change form is read-only."""

    list_display = ["snippet", "nickname", "status", "flag_count", "report_link", "ip", "created_at", "is_restricted"]
    list_filter = ["status", FlaggedFilter, ReportWithCommentsFilter, "created_at", "is_restricted"]
    inlines = [CommentFlagInline]
    search_fields = ["body", "nickname", "ip"]
    search_help_text = "按内容、昵称或 IP 搜索"
    list_select_related = ["report__category", "report__big_region"]
    list_per_page = 50
    date_hierarchy = "created_at"
    actions = ["approve", "reject", "mark_spam", "remove", "restore"]
    readonly_fields = [
        "report_link",
        "parent",
        "nickname",
        "body",
        "email",
        "status",
        "hold_reason",
        "is_restricted",
        "ip",
        "user_agent",
        "created_at",
        "moderated_at",
        "moderated_by",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        # A subquery per listed row rather than a join and GROUP BY over the whole queue.
        flags = (
            CommentFlag.objects.filter(comment=OuterRef("pk"))
            .order_by()
            .values("comment")
            .annotate(count=Count("pk"))
            .values("count")
        )
        flag_count = Coalesce(Subquery(flags, output_field=IntegerField()), Value(0))
        return super().get_queryset(request).defer("report__body").annotate(flag_count=flag_count)

    @admin.display(description="举报", ordering="flag_count")
    def flag_count(self, comment: Comment) -> str:
        if not comment.flag_count:
            return "—"
        reason = f"（{comment.hold_reason}）" if comment.hold_reason and comment.status == CommentStatus.PENDING else ""
        return f"{comment.flag_count} 次{reason}"

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        services.comments_delete(comment_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        services.comments_delete(comment_ids=list(queryset.values_list("pk", flat=True)))

    @admin.display(description="内容")
    def snippet(self, comment: Comment) -> str:
        text = " ".join(comment.body.split())
        return text if len(text) <= 60 else text[:60] + "…"

    @admin.display(description="报告", ordering="report")
    def report_link(self, comment: Comment) -> str:
        changelist = reverse("admin:comments_comment_changelist")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a> '
            '<a href="{}?report={}" title="只看这篇报告的评论">[筛选]</a>',
            comment.get_absolute_url(),
            comment.report.title,
            changelist,
            comment.report_id,
        )

    def _moderate(self, request, queryset, status: str, done: str):
        changed = services.comments_set_status(
            comment_ids=queryset.values_list("pk", flat=True), status=status, moderator=request.user
        )
        self.message_user(request, f"{changed} 条评论{done}。", messages.SUCCESS)

    @admin.action(description="通过所选评论", permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, CommentStatus.APPROVED, "已通过")

    @admin.action(description="拒绝所选评论", permissions=["change"])
    def reject(self, request, queryset):
        self._moderate(request, queryset, CommentStatus.REJECTED, "已拒绝")

    @admin.action(description="将所选评论标为垃圾评论", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, CommentStatus.SPAM, "已标为垃圾评论")

    @admin.action(description="删除所选评论（可恢复）", permissions=["change"])
    def remove(self, request, queryset):
        self._moderate(request, queryset, CommentStatus.REMOVED, "已删除")

    @admin.action(description="恢复所选已删除的评论", permissions=["change"])
    def restore(self, request, queryset):
        changed = services.comments_restore(comment_ids=queryset.values_list("pk", flat=True), moderator=request.user)
        self.message_user(request, f"{changed} 条评论已恢复显示。", messages.SUCCESS)


@admin.register(CommentThread)
class CommentThreadAdmin(admin.ModelAdmin):
    """Per-report comment state: close or reopen comments on one report."""

    list_display = ["report", "is_closed", "visible_count"]
    list_filter = ["is_closed"]
    search_fields = ["=report__id", "report__title"]
    raw_id_fields = ["report"]
    readonly_fields = ["visible_count", "thread_count"]
    list_select_related = ["report"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "report"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.comment_thread_set_closed(report=obj.report, closed=obj.is_closed)


@admin.register(CommentSettings)
class CommentSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "moderation_mode", "comments_closed", "min_interval_seconds", "hourly_limit"]
    fieldsets = [
        (None, {"fields": ["moderation_mode", "comments_closed"]}),
        ("词表", {"fields": ["moderation_words", "block_words"]}),
        ("防刷", {"fields": ["min_interval_seconds", "hourly_limit"]}),
        ("举报", {"fields": ["flag_hide_threshold", "flag_hourly_limit"]}),
    ]

    def has_add_permission(self, request):
        return not CommentSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
