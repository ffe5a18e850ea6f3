"""Bulk downloads: one gzip-compressed JSON Lines file per document year and a manifest.json,
rebuilt by housekeeping for the years whose reports changed.

Each file is written beside its final place and renamed over it when whole, so a download never
sees half a file; rows are streamed from a server-side cursor through gzip to disk, so memory does
not grow with the size of a year."""

import datetime
import gzip
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from itertools import batched
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from portal import caching
from reports.models import BigRegion, Category, Region, Report

from .records import ReportRecords, all_places, rows

logger = logging.getLogger(__name__)

# The /data/ page and the manifest's readers: bumped whenever the manifest is written.
DOWNLOADS_SCOPE = "downloads"
MANIFEST = "manifest.json"
# Part of every year's fingerprint: a change of the rows' shape rebuilds every file.
FORMAT_VERSION = 1
ROWS_PER_FETCH = 500  # bodies of ~10,000 characters: a fetch of 2,000 took the build past 200 MB


def file_name(year: int) -> str:
    return f"reports-{year}.jsonl.gz"


def root() -> Path:
    return Path(settings.OPENDATA_ROOT)


def read_manifest() -> dict | None:
    try:
        return json.loads((root() / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


@dataclass(frozen=True)
class BuildSummary:
    built: list[int]
    kept: list[int]
    removed: list[str]


class _HashingWriter:
    """A file that hashes and counts what is written to it, for gzip to write through."""

    def __init__(self, handle):
        self.handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()


def _reference_digest() -> str:
    """What every row shows besides the report's own columns: names and codes of places and categories."""
    digest = hashlib.sha256(f"{FORMAT_VERSION}|{settings.TAKEDOWN_SITE_URL}".encode())
    for table in (
        Category.objects.order_by("pk").values_list("pk", "slug", "name"),
        BigRegion.objects.order_by("pk").values_list("pk", "slug", "name"),
        Region.objects.order_by("pk").values_list("pk", "code", "name", "level"),
    ):
        digest.update(repr(list(table)).encode())
    return digest.hexdigest()


def year_fingerprints() -> dict[int, str]:
    """Per document year, a digest that changes whenever a published report of it is added, removed
    or changed (every write sets updated_at), or a name that its rows show changes."""
    reference = _reference_digest()
    years = (
        Report.objects.published()
        .annotate(year=ExtractYear("date"))
        .order_by()
        .values_list("year")
        .annotate(count=Count("id"), newest=Max("updated_at"), ids=Sum("id"))
    )
    return {
        year: hashlib.sha256(f"{reference}|{count}|{newest.isoformat()}|{ids}".encode()).hexdigest()[:32]
        for year, count, newest, ids in years
    }


def _write_year(year: int, folder: Path) -> dict:
    final = folder / file_name(year)
    partial = folder / f".{final.name}.partial"
    records = ReportRecords(site_url=settings.TAKEDOWN_SITE_URL, body=True, known_places=all_places())
    reports = Report.objects.published().filter(
        date__gte=datetime.date(year, 1, 1), date__lt=datetime.date(year + 1, 1, 1)
    )
    count = 0
    with transaction.atomic(), open(partial, "wb") as raw:
        writer = _HashingWriter(raw)
        # mtime=0: the same rows make the same bytes, hence the same SHA-256.
        with gzip.GzipFile(filename="", mode="wb", fileobj=writer, mtime=0, compresslevel=6) as compressed:
            for batch in batched(rows(reports.order_by("date", "id"), body=True).iterator(ROWS_PER_FETCH), 500):
                compressed.write(
                    b"".join(json.dumps(record, ensure_ascii=False).encode() + b"\n" for record in records(batch))
                )
                count += len(batch)
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(partial, final)
    return {"name": final.name, "year": year, "rows": count, "bytes": writer.size, "sha256": writer.sha256.hexdigest()}


def downloads_build(*, force: bool = False) -> BuildSummary:
    """Write the files of the years whose fingerprint changed (all with force), remove those of
    years without published reports, then the manifest. Safe to interrupt: the manifest names only
    whole files, and a year left unfinished is rebuilt next time."""
    folder = root()
    folder.mkdir(parents=True, exist_ok=True)
    previous = {entry["year"]: entry for entry in (read_manifest() or {}).get("files", [])}
    fingerprints = year_fingerprints()
    built, kept, entries = [], [], []
    for year in sorted(fingerprints):
        old = previous.get(year)
        if not force and old and old.get("fingerprint") == fingerprints[year] and (folder / old["name"]).exists():
            entries.append(old)
            kept.append(year)
            continue
        entry = _write_year(year, folder)
        entries.append({**entry, "fingerprint": fingerprints[year], "built_at": timezone.localtime().isoformat()})
        built.append(year)
        logger.info("opendata: %s written (%d rows)", entry["name"], entry["rows"])
    wanted = {entry["name"] for entry in entries}
    removed = [name for name in (e["name"] for e in previous.values()) if name not in wanted]
    if built or removed or not (folder / MANIFEST).exists():
        _write_manifest(folder, entries)
    for name in removed:
        (folder / name).unlink(missing_ok=True)
    return BuildSummary(built, kept, removed)


def _write_manifest(folder: Path, entries: list[dict]) -> None:
    manifest = {
        "generated_at": timezone.localtime().isoformat(),
        "format": "JSON Lines（每行一篇报告），gzip 压缩，UTF-8",
        "schema": "/api/v1/schema/ 中的 Report",
        "files": entries,
    }
    partial = folder / f".{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(partial, folder / MANIFEST)
    caching.invalidate(DOWNLOADS_SCOPE)
