from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "站点"

    def ready(self):
        from portal.caching import invalidate_site_on_change

        from .models import SiteConfiguration

        invalidate_site_on_change(SiteConfiguration)
