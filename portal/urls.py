from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import TemplateView

from reports import scopes
from reports.sitemaps import SITEMAPS, report_section

from . import views
from .caching import built_from

sitemap_page = built_from(scopes.ALL_REPORTS)

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    # Before simple-captcha's own URLs, whose refresh view it replaces at the same address.
    path("captcha/refresh/", views.captcha_refresh, name="captcha_refresh"),
    path("captcha/", include("captcha.urls")),
    path("csp-report/", views.csp_report, name="csp_report"),
    path("takedown/", include("takedowns.urls")),
    path("", include("comments.urls")),
    path("search/", include("search.urls")),
    path("api/v1/", include("opendata.api_urls")),
    path("data/", include("opendata.urls")),
    path("rss/", include("reports.feed_urls")),
    path("", include("documents.urls")),
    path(
        "sitemap.xml",
        sitemap_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-reports.xml", sitemap_page(report_section), name="sitemap_reports"),
    path("sitemap-<section>.xml", sitemap_page(sitemap_views.sitemap), {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path(
        "robots.txt",
        built_from()(TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
        name="robots",
    ),
    path("", include("compare.urls")),
    path("", include("reports.urls")),
]
