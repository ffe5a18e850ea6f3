from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "报告"

    def ready(self):
        from portal.caching import invalidate_site_on_change

        from .models import BigRegion, Category, Region

        invalidate_site_on_change(BigRegion, Category, Region)
