from .context import recorded_as_user

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class StaffHistoryMiddleware:
    """Changes a staff member's request makes to reports are recorded under their name.

    Only writes of staff: reads and the public's requests (comments, the view counter) change no
    tracked field, and pghistory's context costs a statement prefix on every write it wraps."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS or not request.user.is_staff:
            return self.get_response(request)
        with recorded_as_user(request.user):
            return self.get_response(request)
