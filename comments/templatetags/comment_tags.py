import datetime

from django import template
from django.utils import timezone

from comments.models import Comment

register = template.Library()


@register.filter
def ago(value: datetime.datetime) -> str:
    """ "刚刚", "3分钟前", "5小时前", "2天前", then the date."""
    if not value:
        return ""
    seconds = (timezone.now() - value).total_seconds()
    if seconds < 60:
        return "刚刚"
    if seconds < 3600:
        return f"{int(seconds // 60)}分钟前"
    if seconds < 86400:
        return f"{int(seconds // 3600)}小时前"
    if seconds < 30 * 86400:
        return f"{int(seconds // 86400)}天前"
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日"


@register.simple_tag
def pending_comment_count() -> int:
    return Comment.objects.pending().count()
