"""Bulk import of reports from JSON Lines or CSV files.

Columns (CSV header / JSON keys): title, region (GB/T 2260 code or unique name), category (slug or
name), date (YYYY-MM-DD), body; optional: source_name, source_url, status (draft / published /
withdrawn; default published). Each good row is committed on its own; bad rows are reported with
their line number and skipped; a row already stored (same region, category, date and title) is
skipped, so importing the same file twice creates nothing new.
"""

import csv
import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError

from . import services
from .models import Category, Region, Report, ReportStatus

REQUIRED = ("title", "region", "category", "date", "body")


class RowError(Exception):
    pass


@dataclass
class ImportResult:
    created: int = 0
    duplicates: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def read_rows(path: Path) -> Iterator[tuple[int, dict | None, str]]:
    """(line number, row or None, problem) for every record of a .jsonl/.json or .csv file."""
    if path.suffix.lower() in {".jsonl", ".json", ".ndjson"}:
        with open(path, encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as error:
                    yield number, None, f"不是有效的 JSON：{error.msg}"
                    continue
                if not isinstance(row, dict):
                    yield number, None, "每行必须是一个 JSON 对象"
                    continue
                yield number, row, ""
    elif path.suffix.lower() == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                yield reader.line_num, row, ""
    else:
        raise ValueError("只支持 .jsonl（JSON Lines）或 .csv 文件")


def count_rows(path: Path) -> int:
    with open(path, encoding="utf-8-sig") as handle:
        lines = sum(1 for line in handle if line.strip())
    return lines - 1 if path.suffix.lower() == ".csv" else lines


class Resolver:
    """Looks up regions and categories once per import."""

    def __init__(self):
        self.categories = {c.slug: c for c in Category.objects.all()} | {c.name: c for c in Category.objects.all()}
        self._regions: dict[str, Region | None] = {}

    def category(self, value: str) -> Category:
        try:
            return self.categories[value]
        except KeyError:
            raise RowError(f"未知栏目“{value}”") from None

    def region(self, value: str) -> Region:
        if value not in self._regions:
            lookup = {"code": value} if value.isdigit() else {"name": value}
            matches = list(Region.objects.filter(**lookup)[:2])
            if len(matches) > 1:
                raise RowError(f"地区名称“{value}”不唯一，请使用行政区划代码")
            self._regions[value] = matches[0] if matches else None
        region = self._regions[value]
        if region is None:
            raise RowError(f"未知地区“{value}”")
        return region


def _text(row: dict, key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise RowError(f"字段 {key} 必须是文本")
    value = str(value).strip()
    if "\x00" in value:
        raise RowError(f"字段 {key} 含有无效字符（NUL）")
    return value


def import_row(row: dict, resolver: Resolver) -> Report | None:
    """Store one row; returns None for a document that is already stored."""
    values = {key: _text(row, key) for key in (*REQUIRED, "source_name", "source_url", "status")}
    missing = [key for key in REQUIRED if not values[key]]
    if missing:
        raise RowError(f"缺少字段：{', '.join(missing)}")
    try:
        date = datetime.date.fromisoformat(values["date"])
    except ValueError:
        raise RowError(f"日期“{values['date'][:20]}”格式应为 YYYY-MM-DD") from None
    status = values["status"] or ReportStatus.PUBLISHED
    if status not in ReportStatus.values:
        raise RowError(f"未知状态“{status[:20]}”")
    region, category = resolver.region(values["region"]), resolver.category(values["category"])
    if Report.objects.filter(region=region, category=category, date=date, title=values["title"]).exists():
        return None
    try:
        return services.report_create(
            title=values["title"],
            region=region,
            category=category,
            date=date,
            body=values["body"],
            source_name=values["source_name"],
            source_url=values["source_url"],
            status=status,
        )
    except ValidationError as error:
        messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        raise RowError(messages) from None
    except IntegrityError:
        return None  # stored concurrently by another import


def import_reports(path: Path, *, progress=None) -> ImportResult:
    result = ImportResult()
    resolver = Resolver()
    for number, row, problem in read_rows(path):
        if row is not None:
            try:
                report = import_row(row, resolver)
            except RowError as error:
                problem = str(error)
            else:
                if report is None:
                    result.duplicates += 1
                else:
                    result.created += 1
        if problem:
            result.errors.append((number, problem))
        if progress is not None:
            progress.update(1)
    return result
