from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType


def recent_changes(*, user: AbstractBaseUser, rows: int = 15) -> list[LogEntry]:
    """The latest admin changes by every staff member, limited to the kinds of record `user` may
    see in admin: an editor sees no change to site settings, login records or sent mail this way."""
    visible = [
        model
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_view_or_change_permission(_Request(user))
    ]
    content_types = ContentType.objects.get_for_models(*visible, for_concrete_models=False).values()
    return list(
        LogEntry.objects.filter(content_type__in=content_types)
        .select_related("user", "content_type")
        .order_by("-action_time", "-id")[:rows]
    )


class _Request:
    """ModelAdmin permission checks read only request.user."""

    def __init__(self, user: AbstractBaseUser):
        self.user = user
