from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("", views.data_page, name="index"),
    path("files/<str:name>", views.download, name="file"),
]
