from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("", views.index, name="index"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("regions/", views.region_list, name="regions"),
    path("categories/", views.category_list, name="categories"),
    path("areas/", views.area_list, name="areas"),
    path("schema/", views.schema, name="schema"),
]
