from django.contrib import admin
from django.urls import include, path

from . import views

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("captcha/", include("captcha.urls")),
    path("takedown/", include("portal.takedowns.urls")),
    path("", include("comments.urls")),
    path("", include("reports.urls")),
]
