from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import ActionLocation

from .models import LoginFailure, LoginLockout, LoginRecord, SiteConfiguration

admin.site.site_header = "博县网管理后台"
admin.site.site_title = "博县网管理后台"
admin.site.index_title = "站点管理"


@admin.register(SiteConfiguration)
class SiteConfigurationAdmin(admin.ModelAdmin):
    list_display = ["site_name", "icp_number", "contact_email"]

    def has_add_permission(self, request):
        return not SiteConfiguration.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


# Admin login throttling (django-axes, settings.AXES_*): lockouts and logs, for site owners only
# (portal/migrations/0003 grants them). Deleting a lockout's failed attempts unlocks it.


@admin.register(LoginLockout)
class LoginLockoutAdmin(AccessAttemptAdmin):
    actions = ["unlock"]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)  # `unlock` is the one way to say it
        return actions

    @admin.display(description="状态")
    def status(self, attempt):
        remaining = settings.AXES_FAILURE_LIMIT - attempt.failures_since_start
        return f"还可尝试 {remaining} 次" if remaining > 0 else "已锁定"

    @admin.action(description="解除锁定（清除所选的登录失败记录）", permissions=["delete"])
    def unlock(self, request, queryset):
        count = queryset.count()
        self.log_deletions(request, queryset)
        queryset.delete()
        self.message_user(request, f"已解除锁定：清除了 {count} 条登录失败记录，相关用户名和地址可以重新登录。")


admin.site.register(LoginFailure, AccessFailureLogAdmin)
admin.site.register(LoginRecord, AccessLogAdmin)
