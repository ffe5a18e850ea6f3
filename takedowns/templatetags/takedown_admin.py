from django import template
from django.conf import settings
from django.utils import timezone

from .. import selectors

register = template.Library()


@register.inclusion_tag("takedowns/admin/index_panel_body.html", takes_context=True)
def takedown_open_notices(context):
    """The admin index panel: open notices, oldest first, those past the service target highlighted."""
    request = context.get("request")
    if request is None or not request.user.has_perm("takedowns.view_takedownnotice"):
        return {"show": False}
    now = timezone.now()
    notices, total, overdue = selectors.open_notices(now=now)
    return {
        "show": True,
        "notices": notices,
        "total": total,
        "overdue": overdue,
        "now": now,
        "target_hours": settings.TAKEDOWN_SERVICE_TARGET_HOURS,
    }
