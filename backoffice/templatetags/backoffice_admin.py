from django import template
from django.utils import timezone

from reports import selectors as report_selectors

from .. import selectors

register = template.Library()

ACTIONS = {1: "添加", 2: "修改", 3: "删除"}


@register.inclusion_tag("backoffice/admin/dashboard.html", takes_context=True)
def editor_dashboard(context):
    """The admin index panel of editors and site owners: drafts waiting, scheduled reports, and
    the latest changes by everyone."""
    request = context.get("request")
    if request is None or not request.user.has_perm("reports.view_report"):
        return {"show": False}
    changes = selectors.recent_changes(user=request.user)
    for entry in changes:
        entry.action_label = ACTIONS.get(entry.action_flag, "")
    return {
        "show": True,
        "queue": report_selectors.editor_queue(),
        "changes": changes,
        "now": timezone.now(),
    }
