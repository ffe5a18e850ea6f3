"""The revision history of reports, written by PostgreSQL triggers (django-pghistory).

Triggers rather than save() hooks because reports also change through queryset updates
(reports.services: publishing, withdrawing, takedown restrictions) that no signal sees. Each row
is one change: an insert keeps the row as created, an update the row as it was *before* the
change, so that the first recorded change of a report loaded without history (generate_reports,
or rows older than the history) still shows what it replaced. The state after a change is the
next row's, or the report as it is now (revisions.selectors puts them together)."""

import pghistory
import pgtrigger
from django.db import models

from reports.models import Report

# What a change is recorded for. Not the view counter (every visit), the search vector and the
# region columns (derived from these), nor updated_at (it moves with every one of these).
TRACKED_FIELDS = [
    "title",
    "region",
    "category",
    "date",
    "body",
    "source_name",
    "source_url",
    "status",
    "is_restricted",
    "published_at",
    "publish_at",
]


# A setting of the PostgreSQL session; "off" for the current transaction skips the history of inserts.
RECORDING_SETTING = "revisions.recording"


class ChangeLabel(models.TextChoices):
    CREATED = "created", "创建"
    CHANGED = "changed", "修改"


_ReportChangeBase = pghistory.create_event_model(
    Report,
    pghistory.InsertEvent(
        ChangeLabel.CREATED.value,
        trigger_name="history_created",
        # Checked by PostgreSQL before it queues the trigger at all, so that a bulk load that turns
        # the history off (revisions.services.history_not_recorded) pays nothing per row.
        condition=pgtrigger.Condition(f"current_setting('{RECORDING_SETTING}', true) IS DISTINCT FROM 'off'"),
    ),
    pghistory.UpdateEvent(ChangeLabel.CHANGED.value, row=pghistory.Old, trigger_name="history_changed"),
    fields=TRACKED_FIELDS,
    obj_field=pghistory.ObjForeignKey(related_name="changes", related_query_name="change"),
    # Who and why (user, command, restored revision) in the row itself: no join, and a later
    # change in the same request cannot rewrite what an earlier one recorded.
    context_field=pghistory.ContextJSONField(),
    append_only=True,
    model_name="ReportChangeBase",
    app_label="revisions",
)


class ReportChange(_ReportChangeBase):
    # Without the report's choices: a new status is shown by its label (ReportStatus), and needs
    # no migration of the history.
    status = models.CharField("状态", max_length=16)

    class Meta(_ReportChangeBase.Meta):
        ordering = ["pgh_obj", "pgh_id"]
        verbose_name = verbose_name_plural = "报告修订记录"

    def __str__(self) -> str:
        return f"{self.pgh_obj_id}#{self.pgh_id} {self.pgh_label}"
