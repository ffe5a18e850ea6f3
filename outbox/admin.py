"""Site owners see every message the site sent or failed to send, why it failed, and send failed
ones again. Messages are records: never added, edited or deleted here."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from portal.admin_base import ReadOnlyMixin

from . import services
from .models import EmailStatus, OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "status", "attempts", "next_attempt_at", "sent_at", "error"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    search_help_text = "按收件人或主题搜索"
    date_hierarchy = "created_at"
    fields = ["to", "subject", "body", "status", "attempts", "last_error", "created_at", "next_attempt_at", "sent_at"]
    readonly_fields = fields
    actions = ["resend"]

    def has_resend_permission(self, request):
        return request.user.has_perm(services.RESEND_PERMISSION)

    @admin.display(description="最近一次错误")
    def error(self, email):
        return email.last_error.splitlines()[0][:80] if email.last_error else ""

    @admin.action(description="重新发送所选的发送失败的邮件", permissions=["resend"])
    def resend(self, request, queryset):
        try:
            count = services.emails_resend(emails=queryset, actor=request.user)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        skipped = queryset.count() - count
        text = f"已重新排队发送 {count} 封邮件。"
        if skipped:
            text += f"另有 {skipped} 封不是“{EmailStatus.FAILED.label}”状态，未重复发送。"
        self.message_user(request, text, messages.SUCCESS if count else messages.WARNING)
