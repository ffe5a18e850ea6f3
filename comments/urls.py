from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("comments/<int:report_id>/", views.comment_page, name="page"),
    path("comments/<int:report_id>/tokens/", views.comment_form_tokens, name="tokens"),
    path("comments/flag/<int:comment_id>/", views.comment_flag, name="flag"),
]
