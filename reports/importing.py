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

from . import indexing, services
from .models import Category, Region, Report, ReportStatus
from .vector_pool import VectorPool

# Rows are validated, tokenised (in parallel) and stored this many at a time.
CHUNK = 500

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


def validate_row(row: dict, resolver: Resolver) -> dict:
    """The keyword arguments of services.report_create for a row, or RowError."""
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
    return {
        "title": values["title"],
        "region": resolver.region(values["region"]),
        "category": resolver.category(values["category"]),
        "date": date,
        "body": values["body"],
        "source_name": values["source_name"],
        "source_url": values["source_url"],
        "status": status,
    }


def store_row(fields: dict, *, search_vector: str | None = None) -> Report | None:
    """Store one validated row; returns None for a document that is already stored."""
    if Report.objects.filter(
        region=fields["region"], category=fields["category"], date=fields["date"], title=fields["title"]
    ).exists():
        return None
    try:
        return services.report_create(**fields, search_vector=search_vector)
    except ValidationError as error:
        messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        raise RowError(messages) from None
    except IntegrityError:
        return None  # stored concurrently by another import


def import_row(row: dict, resolver: Resolver) -> Report | None:
    """Store one row; returns None for a document that is already stored."""
    return store_row(validate_row(row, resolver))


def vectors_of(documents: list[tuple[str, list[str], str]]) -> list[str]:
    """In a worker process: the search vectors of (title, place names, body) documents."""
    return [indexing.document_vector(title=title, places=places, body=body) for title, places, body in documents]


def import_reports(path: Path, *, progress=None, workers: int = 1) -> ImportResult:
    """Import a file; with workers > 1 the rows' text is tokenised by a pool of processes."""
    result = ImportResult()
    resolver = Resolver()
    with VectorPool(workers) as pool:
        chunk: list[tuple[int, dict | None, str]] = []
        for record in read_rows(path):
            chunk.append(record)
            if len(chunk) == CHUNK:
                _import_chunk(chunk, resolver, pool, result, progress)
                chunk = []
        _import_chunk(chunk, resolver, pool, result, progress)
    return result


def _import_chunk(chunk, resolver: Resolver, pool: VectorPool, result: ImportResult, progress) -> None:
    validated: list[tuple[int, dict | None, str]] = []
    for number, row, problem in chunk:
        fields = None
        if row is not None:
            try:
                fields = validate_row(row, resolver)
            except RowError as error:
                problem = str(error)
        validated.append((number, fields, problem))
    documents = [
        (fields["title"], services.region_place_names(fields["region"]), fields["body"])
        for _, fields, _ in validated
        if fields is not None
    ]
    share = -(-len(documents) // pool.workers) or 1
    vectors = iter([v for part in pool.run(vectors_of, _parts(documents, share)) for v in part])
    for number, fields, problem in validated:
        if fields is not None:
            try:
                report = store_row(fields, search_vector=next(vectors))
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


def _parts(items: list, size: int) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]
