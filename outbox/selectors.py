"""Reads for the outbox's admin panel."""

from .models import OutgoingEmail


def undelivered_counts() -> dict[str, int]:
    """How many messages have given up, and how many are waiting for another try after a failure."""
    return {
        "failed": OutgoingEmail.objects.failed().count(),
        "retrying": OutgoingEmail.objects.retrying().count(),
    }
