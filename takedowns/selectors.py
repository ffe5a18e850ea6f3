"""Reads for the takedown pages."""

import datetime

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from reports.models import Report

from .models import ItemKind, TakedownItem, TakedownNotice


def transparency_notices() -> QuerySet[TakedownNotice]:
    """Decided notices, newest decision first, with only the columns the public may see."""
    return (
        TakedownNotice.objects.decided()
        .only("id", "receipt", "status", "legal_basis", "claimant_organisation", "decided_at")
        .prefetch_related(Prefetch("items", queryset=TakedownItem.objects.only("id", "notice_id", "address")))
        .order_by("-decided_at", "-id")
    )


def restriction_for_report(report: Report) -> TakedownNotice | None:
    """The notice that keeps a report restricted (the most recent, if several)."""
    return (
        TakedownNotice.objects.restricting()
        .filter(items__report=report, items__kind=ItemKind.REPORT)
        .order_by("-restricted_at", "-id")
        .first()
    )


def open_notices(*, now: datetime.datetime, limit: int = 10) -> tuple[list[TakedownNotice], int, int]:
    """The oldest notices waiting for a decision, each marked `overdue` past the service target,
    with the total and overdue counts."""
    target = datetime.timedelta(hours=settings.TAKEDOWN_SERVICE_TARGET_HOURS)
    notices = TakedownNotice.objects.open().only("id", "receipt", "status", "work_title", "created_at")
    overdue_count = notices.filter(created_at__lt=now - target).count()
    rows = list(notices.order_by("created_at", "id")[:limit])
    for notice in rows:
        notice.overdue = notice.created_at < now - target
        notice.age = now - notice.created_at
    return rows, notices.count(), overdue_count
