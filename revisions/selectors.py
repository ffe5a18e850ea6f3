"""Reads of the revision history: a report's versions, each with who made it, what kind of
change it was and what changed, put together from the change rows (revisions.models) and the
report as it is now."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone

from reports.models import Category, Region, Report, ReportStatus

from .context import actor_label
from .models import TRACKED_FIELDS, ChangeLabel, ReportChange

# Attribute names of the tracked fields (region_id, not region), as both models store them.
ATTNAMES = [Report._meta.get_field(name).attname for name in TRACKED_FIELDS]
# What a restore puts back; publication and a takedown restriction are decisions of their own.
CONTENT_FIELDS = ["title", "region_id", "category_id", "date", "body", "source_name", "source_url"]
LABELS = {Report._meta.get_field(name).attname: Report._meta.get_field(name).verbose_name for name in TRACKED_FIELDS}
LONG_TEXT = {"title", "body"}  # shown as a diff of their own, not as old → new values

State = dict[str, Any]


@dataclass(frozen=True)
class FieldChange:
    attname: str
    label: str
    old: str
    new: str


@dataclass
class Revision:
    """One version of a report: its content after a change, and that change."""

    report_id: int
    number: int  # 1 is the oldest version known
    change: ReportChange | None  # None: the content before the first recorded change
    state: State
    previous: State | None
    is_current: bool
    fields: list[FieldChange]
    kind: str
    actor: str
    at: datetime.datetime | None

    content_is_current: bool = False  # restoring it would change nothing

    @property
    def changed(self) -> set[str]:
        return {change.attname for change in self.fields}

    @property
    def title(self) -> str:
        return self.state["title"]


def _state(row) -> State:
    return {attname: getattr(row, attname) for attname in ATTNAMES}


def _kind(*, change: ReportChange | None, previous: State | None, state: State) -> str:
    if change is None:
        return "未记录的原始内容（批量生成或启用修订历史之前）"
    if change.pgh_label == ChangeLabel.CREATED:
        return "创建"
    context = change.pgh_context or {}
    kinds = []
    if context.get("restored_from"):
        kinds.append(f"还原到修订 {context['restored_from']}")
    elif any(previous[name] != state[name] for name in CONTENT_FIELDS):
        kinds.append("编辑")
    if previous["status"] != state["status"]:
        kinds.append({ReportStatus.PUBLISHED: "发布", ReportStatus.WITHDRAWN: "撤回"}.get(state["status"], "改为草稿"))
    if previous["is_restricted"] != state["is_restricted"]:
        kinds.append("因投诉屏蔽" if state["is_restricted"] else "解除屏蔽")
    if previous["published_at"] != state["published_at"] and len(kinds) == 0:
        kinds.append("更改发布时间")
    return "、".join(kinds)


class _Names:
    """Region and category names of every version, in one query each."""

    def __init__(self, states: list[State]):
        region_ids = {state["region_id"] for state in states}
        category_ids = {state["category_id"] for state in states}
        self.regions = dict(Region.objects.filter(pk__in=region_ids).values_list("pk", "name"))
        self.categories = dict(Category.objects.filter(pk__in=category_ids).values_list("pk", "name"))

    def show(self, attname: str, value: Any) -> str:
        if attname == "region_id":
            return self.regions.get(value, f"已删除的地区 #{value}")
        if attname == "category_id":
            return self.categories.get(value, f"已删除的栏目 #{value}")
        if attname == "status":
            return ReportStatus(value).label if value in ReportStatus.values else value
        if attname == "is_restricted":
            return "是" if value else "否"
        if value is None or value == "":
            return "（空）"
        if isinstance(value, datetime.datetime):
            return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)


def report_revisions(*, report: Report) -> list[Revision]:
    """Every known version of the report, oldest first; the last is the report as it is now."""
    changes = list(ReportChange.objects.filter(pgh_obj=report.pk).order_by("pgh_id"))
    current = _state(Report.objects.only(*ATTNAMES).get(pk=report.pk))
    # Each change row holds the content before it (an insert: the content created), so the content
    # after change i is the next row's, or, after the last, the report's own.
    versions: list[tuple[ReportChange | None, State]] = []
    if not changes or changes[0].pgh_label != ChangeLabel.CREATED:
        versions.append((None, _state(changes[0]) if changes else current))
    for index, change in enumerate(changes):
        after = _state(changes[index + 1]) if index + 1 < len(changes) else current
        versions.append((change, after))
    names = _Names([state for _, state in versions])
    revisions = []
    previous: State | None = None
    for number, (change, state) in enumerate(versions, start=1):
        if change is not None and change.pgh_label == ChangeLabel.CHANGED:
            previous = _state(change)
        fields = [
            FieldChange(attname, LABELS[attname], names.show(attname, previous[attname]), names.show(attname, value))
            for attname, value in state.items()
            if previous is not None and previous[attname] != value
        ]
        revisions.append(
            Revision(
                report_id=report.pk,
                number=number,
                change=change,
                state=state,
                previous=previous if change is not None and change.pgh_label == ChangeLabel.CHANGED else None,
                is_current=number == len(versions),
                fields=fields,
                kind=_kind(change=change, previous=previous, state=state),
                actor=actor_label(change.pgh_context) if change is not None else "",
                at=change.pgh_created_at if change is not None else None,
            )
        )
        previous = state
    for revision in revisions:
        revision.content_is_current = all(revision.state[name] == current[name] for name in CONTENT_FIELDS)
    return revisions


def report_revision(*, report: Report, number: int) -> Revision | None:
    revisions = report_revisions(report=report)
    return revisions[number - 1] if 1 <= number <= len(revisions) else None
