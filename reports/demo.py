"""Demo content: the seed page as report 5618, and synthetic reports built from its sentences."""

import datetime
import io
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .models import Category, Region, Report

SEED_PATH = Path(__file__).resolve().parent / "data" / "seed_5618.txt"
SEED_ID = 5618
SEED_REGION_CODE = "433101"  # 吉首市
SEED_CATEGORY = "baogao"
SEED_DATE = datetime.date(2023, 2, 14)
SEED_SOURCE = ("吉首市人民政府", "http://www.jishou.gov.cn/")


@dataclass(frozen=True)
class SeedDocument:
    title: str
    body: str


def read_seed(path: Path = SEED_PATH) -> SeedDocument:
    """The seed page's title line (without the province prefix and date) and its body paragraphs."""
    lines = path.read_text(encoding="utf-8").splitlines()
    heading = next(line for line in lines if line.startswith("("))
    title = re.sub(r"^\(.*?\)|\(\d{4}年\d{1,2}月\d{1,2}日\)$", "", heading.strip())
    paragraphs = [line.strip() for line in lines if line.startswith("  ")]
    return SeedDocument(title=title, body="\n\n".join(paragraphs))


# A made-up report of the seed's place for the year before, so that the demo has two years to
# compare (compare app): labelled as such in its source, never to be mistaken for a real document.
SEED_PREVIOUS_DATE = datetime.date(2022, 2, 18)
SEED_PREVIOUS_SOURCE = "博县网演示数据（由2023年的报告改写，并非真实文件）"
SEED_PREVIOUS_OWN_PART = (
    "(六)坚持常态化疫情防控,统筹发展和安全。严格落实“外防输入、内防反弹”总策略,疫苗加强针接种有序推进。"
    "全力保障物资供应和物流畅通,守护人民群众生命安全和身体健康。"
)


def seed_previous_year() -> SeedDocument:
    """The seed's first two parts less every third sentence, with the figures of a year earlier,
    and a third part of its own: what a comparison with the seed has to show (kept, new and gone
    sentences, new and dropped words)."""
    seed = read_seed()
    parts = []
    for paragraph in seed.body.split("\n\n")[:2]:
        sentences = re.findall(r"[^。]+。?", paragraph)
        kept = [sentence for number, sentence in enumerate(sentences) if number % 3 != 2]
        parts.append("".join(kept).replace("2021年", "2020年"))
    parts.append(SEED_PREVIOUS_OWN_PART)
    return SeedDocument(title=seed.title, body="\n\n".join(parts))


def seed_sentences() -> list[str]:
    body = read_seed().body
    sentences = [s.strip() + "。" for s in re.split(r"[。]", body) if len(s.strip()) > 8]
    return [re.sub(r"^(（|\()[一二三四五六七八九十]+(）|\))", "", s) for s in sentences]


CHINESE_NUMERALS = "一二三四五六七八九十"


def _title(category: Category, region: Region, year: int) -> str:
    match category.slug:
        case "baogao":
            return f"{region.name}人民政府工作报告"
        case "gongbao":
            return f"{region.name}{year - 1}年国民经济和社会发展统计公报"
        case "guihua":
            return f"{region.name}国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"
        case _:
            return f"{region.name}{year}年{category.name}"


class SyntheticReports:
    """Realistic-looking reports spread over every region, category and the last ten years.

    Each document (region, category, date) is produced at most once, as the database requires.
    """

    def __init__(
        self, *, regions: list[Region], categories: list[Category], seed: int | None = None, last_year: int = 2025
    ):
        self.random = random.Random(seed)
        self.regions = regions
        self.categories = categories
        self.years = list(range(last_year - 9, last_year + 1))
        self.sentences = seed_sentences()
        self.used: set[tuple[int, int, int]] = set()

    def body(self, region: Region) -> str:
        paragraphs = []
        for number in range(self.random.randint(2, 4)):
            sentences = self.random.sample(self.sentences, self.random.randint(2, 5))
            text = "".join(sentences).replace("吉首市", region.name).replace("吉首", region.name)
            paragraphs.append(f"（{CHINESE_NUMERALS[number]}）{text}")
        return "\n\n".join(paragraphs)

    def document(self) -> tuple[Region, Category, datetime.date, str]:
        while True:
            region = self.random.choice(self.regions)
            category = self.random.choice(self.categories)
            year = self.random.choice(self.years)
            date = datetime.date(year, 1, 1) + datetime.timedelta(days=self.random.randrange(365))
            key = (region.pk, category.pk, date.toordinal())
            if key not in self.used:
                self.used.add(key)
                return region, category, date, _title(category, region, year)


def existing_documents() -> set[tuple[int, int, int]]:
    return {
        (r, c, d.toordinal())
        for r, c, d in Report.objects.values_list("region_id", "category_id", "date").iterator(chunk_size=50_000)
    }


def copy_rows(reports: Iterator[dict | tuple]) -> io.StringIO:
    """Rows (dicts, or tuples in column order) in PostgreSQL's COPY text format."""
    buffer = io.StringIO()
    for row in reports:
        buffer.write("\t".join(_copy_value(value) for value in (row.values() if isinstance(row, dict) else row)))
        buffer.write("\n")
    buffer.seek(0)
    return buffer


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def region_choices() -> list[Region]:
    """Regions a synthetic report can belong to, with the columns the generator copies."""
    return list(
        Region.objects.only("id", "name", "level", "big_region_id", "province_id", "prefecture_id").order_by("id")
    )
