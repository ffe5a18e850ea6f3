from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("yuanwen/<int:report_id>/", views.original_download, name="download"),
]
