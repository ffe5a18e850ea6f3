"""Writes of the revision history: restoring a version, and loading reports without history."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from reports.models import Report
from reports.services import report_save

from .context import recorded_as_user
from .models import RECORDING_SETTING
from .selectors import CONTENT_FIELDS, Revision

CHANGE_PERMISSION = "reports.change_report"


@transaction.atomic
def report_restore(*, report: Report, revision: Revision, user: AbstractBaseUser) -> Report:
    """Put the content of an earlier version back (title, place, category, date, body, source),
    recorded as a new version by `user`. Publication and a takedown restriction stay as they are
    now: a restore must not bring back a report that was taken down, nor unpublish one."""
    if not user.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied("您没有修改报告的权限，不能还原。")
    if revision.report_id != report.pk:
        raise ValueError(f"revision {revision.number} is not one of report {report.pk}")
    # Locked, so that a takedown or an edit waiting behind us applies to the restored row.
    locked = Report.objects.select_for_update().select_related("region").get(pk=report.pk)
    if all(getattr(locked, name) == revision.state[name] for name in CONTENT_FIELDS):
        raise ValidationError("修订 %(number)s 的内容与当前内容相同，无需还原。", params={"number": revision.number})
    for name in CONTENT_FIELDS:
        setattr(locked, name, revision.state[name])
    with recorded_as_user(user, restored_from=revision.number):
        return report_save(report=locked)


@contextmanager
def history_not_recorded() -> Iterator[None]:
    """Reports inserted in the current transaction while this is active get no history (bulk loads
    of synthetic data). Enter it inside the transaction: the setting is local to it, so other
    sessions' changes are still recorded, and so is everything after it."""
    if not connection.in_atomic_block:
        raise RuntimeError("history_not_recorded() must be used inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'off', true)", [RECORDING_SETTING])
        try:
            yield
        finally:
            cursor.execute("SELECT set_config(%s, '', true)", [RECORDING_SETTING])
