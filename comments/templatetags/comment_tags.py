import datetime
import functools

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from comments.forms import CommentForm
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


@register.simple_tag
def comment_form_for_script() -> str:
    """The article's comment form, for its script to fill in and show (CommentForm.for_script).
    The same for every article and reader, so drawn once per process: an article's cache miss
    does not pay for building a form (about 3 ms)."""
    return _render_form_for_script() if settings.DEBUG else _form_for_script()


def _render_form_for_script() -> str:
    context = {"form": CommentForm.for_script(), "is_open": True}
    return render_to_string("comments/comment_page.html#comment_form", context)


_form_for_script = functools.cache(_render_form_for_script)
