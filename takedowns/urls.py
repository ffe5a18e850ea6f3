from django.urls import path

from . import views

app_name = "takedowns"

urlpatterns = [
    path("", views.notice_create, name="notice"),
    path("received/", views.notice_received, name="received"),
    path("counter/<str:receipt>/", views.counter_notice_create, name="counter_notice"),
    path("transparency/", views.transparency, name="transparency"),
]
