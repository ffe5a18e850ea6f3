from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("outbox/admin/index_panel_body.html", takes_context=True)
def outbox_undelivered(context):
    """The admin index panel: messages that could not be delivered, for those who may see them."""
    request = context.get("request")
    if request is None or not request.user.has_perm("outbox.view_outgoingemail"):
        return {"show": False}
    counts = selectors.undelivered_counts()
    return {"show": counts["failed"] or counts["retrying"], **counts}
