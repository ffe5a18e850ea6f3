"""Loading China's administrative divisions (GB/T 2260) from the CSV shipped in reports/data/."""

import csv
import re
from pathlib import Path

from django.db import connection, transaction
from pypinyin import lazy_pinyin

from .models import BigRegion, Region

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "cn_regions.csv"

# 山西 and 陕西 are both "shanxi" in toneless pinyin; 陕西 is conventionally spelt "shaanxi".
SLUG_OVERRIDES = {"61": "shaanxi"}


def pinyin_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", "".join(lazy_pinyin(name)).lower().replace("ü", "v")) or "diqu"


PROVINCE_SUFFIX = re.compile(r"(壮族|回族|维吾尔)?自治区$|特别行政区$|省$|市$")


def assign_slugs(rows: list[dict]) -> dict[str, str]:
    """A unique, stable slug per code: plain pinyin, or pinyin-code where the name repeats."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for row in sorted(rows, key=lambda r: (int(r["level"]), r["code"])):
        name = PROVINCE_SUFFIX.sub("", row["name"]) if row["level"] == "1" else row["name"]
        slug = SLUG_OVERRIDES.get(row["code"]) or pinyin_slug(name)
        if slug in taken:
            slug = f"{slug}-{row['code']}"
        taken.add(slug)
        slugs[row["code"]] = slug
    return slugs


_DERIVE_ANCESTRY = [
    # Provinces are their own province; prefectures their own prefecture.
    "UPDATE reports_region SET province_id = id, prefecture_id = NULL WHERE level = 1",
    """UPDATE reports_region r SET province_id = p.province_id, big_region_id = p.big_region_id,
              prefecture_id = CASE WHEN r.level = 2 THEN r.id WHEN p.level = 2 THEN p.id END
         FROM reports_region p WHERE r.parent_id = p.id AND r.level = 2""",
    """UPDATE reports_region r SET province_id = p.province_id, big_region_id = p.big_region_id,
              prefecture_id = CASE WHEN p.level = 2 THEN p.id END
         FROM reports_region p WHERE r.parent_id = p.id AND r.level = 3""",
]


@transaction.atomic
def load_regions(path: Path = REGIONS_CSV) -> int:
    """Insert or update every region of the CSV; returns the number of rows read. Idempotent."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    big_regions = {b.name: b for b in BigRegion.objects.all()}
    existing_slugs = dict(Region.objects.values_list("code", "slug"))
    slugs = assign_slugs(rows)
    by_code = {row["code"]: row for row in rows}
    ids: dict[str, int] = dict(Region.objects.values_list("code", "id"))
    for level in ("1", "2", "3"):
        batch = []
        for row in rows:
            if row["level"] != level:
                continue
            province_row = by_code[row["code"][:2]]
            batch.append(
                Region(
                    code=row["code"],
                    name=row["name"],
                    type=row["type"],
                    level=int(level),
                    parent_id=ids[row["parent_code"]] if row["parent_code"] else None,
                    big_region=big_regions[province_row["area"]],
                    slug=existing_slugs.get(row["code"], slugs[row["code"]]),
                )
            )
        Region.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "type", "level", "parent", "big_region"],
        )
        ids = dict(Region.objects.values_list("code", "id"))
    with connection.cursor() as cursor:
        for statement in _DERIVE_ANCESTRY:
            cursor.execute(statement)
    return len(rows)
