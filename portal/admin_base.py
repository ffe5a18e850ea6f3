"""What several apps' admin classes share."""


class ReadOnlyMixin:
    """Records kept for the record (audit logs, sent mail): shown in admin, never added, changed or
    deleted there. For ModelAdmin and inlines alike."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
