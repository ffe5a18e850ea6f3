from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("comments/<int:report_id>/", views.comment_page, name="page"),
    path("comments/<int:report_id>/form/", views.comment_form, name="form"),
    path("comments/flag/<int:comment_id>/", views.comment_flag, name="flag"),
]
