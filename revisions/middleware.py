import pghistory

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
        with pghistory.context(**actor_context(request.user)):
            return self.get_response(request)


def actor_context(user) -> dict:
    """What a revision records of the person who made it."""
    return {"user": user.pk, "username": user.get_username()}


def command_context(name: str) -> dict:
    """What a revision records of a management command that made it."""
    return {"command": name}
