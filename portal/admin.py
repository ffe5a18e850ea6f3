from django.contrib import admin

from .models import SiteConfiguration

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
