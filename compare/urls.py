from django.urls import path

from . import views

app_name = "compare"

urlpatterns = [
    path("<slug:category>/<slug:area>/<int:pk>/duibi/", views.report_compare, name="compare"),
]
