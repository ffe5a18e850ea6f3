from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "评论"

    def ready(self):
        from portal.caching import invalidate_site_on_change

        from .models import CommentSettings

        invalidate_site_on_change(CommentSettings)
