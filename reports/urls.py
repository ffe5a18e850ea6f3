from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("diqu/", views.region_index, name="region_index"),
    path("diqu/<slug:area>/", views.big_region_detail, name="big_region"),
    path("diqu/<slug:area>/<slug:slug>/", views.region_detail, name="region"),
    path("api/views/<int:pk>/", views.record_view, name="record_view"),
    path("<slug:category>/", views.category_list, name="category"),
    path("<slug:category>/<slug:area>/", views.category_area_list, name="category_area"),
    path("<slug:category>/<slug:area>/<int:pk>.html", views.report_detail, name="detail"),
]
