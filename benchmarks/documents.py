"""Importing documents: 100 generated PDF, Word and HTML files through `manage.py import_documents`.

Usage (the database is named by PORTAL_DB_NAME, default portal_bench; it needs the regions,
`manage.py load_regions`):

    .venv/bin/python benchmarks/documents.py [--files 100] [--rounds 2]

It writes --files documents into a temporary folder, a third each PDF (reportlab, the CID font
STSong-Light), Word (python-docx) and saved HTML pages (half UTF-8, half GB18030), each a
government work report of a different county of the database of about 9,000 characters over some
ten pages, with running headers, page numbers and paragraphs broken across lines and pages. The
baseline is the same reports, text already clean, imported from a JSON Lines file by
`manage.py import_reports`: what storing them costs without reading any file. Rounds alternate
(baseline, import, baseline, import …), each a fresh command-line process timed from start to
exit, the reports it made deleted after it (through reports.services, which also makes their pages
stale). It prints the median time of each, the ratio, the time per document, and the extraction
quality on the generated files: paragraphs that came out exactly as written, and titles, dates,
regions and categories proposed right, per kind.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import PROJECT, setup_django

SENTENCES = [
    "全市地区生产总值增长{n}.{m}%，一般公共预算收入完成{n}{m}.{n}亿元，同比增长{m}.{n}%",
    "城乡居民人均可支配收入分别增长{n}.{m}%和{m}.{n}%，“十四五”规划各项目标任务稳步推进",
    "我们坚持稳中求进工作总基调，统筹发展和安全，全年新增城镇就业{n}{m}{n}{m}人",
    "（一）产业发展提质增效，规模以上工业增加值增长{m}.{n}%，新增市场主体{n}{m}{m}家",
    "完成固定资产投资{n}{m}.{m}亿元，实施重点项目{m}{n}个，其中新开工{n}{m}个",
    "城镇登记失业率控制在{n}%以内，居民消费价格涨幅控制在{m}%左右",
]
HEADINGS = ["一、过去一年工作回顾", "二、今年工作总体要求和目标任务", "三、重点工作安排", "四、加强政府自身建设"]


def document(rng: random.Random, province: str, county: str, date: datetime.date) -> tuple[str, list[str]]:
    """A title in the original site's form and about 9,000 characters of paragraphs."""
    title = f"({province}){county}人民政府工作报告({date.year}年{date.month}月{date.day}日)"
    paragraphs = [f"——{date.year}年{date.month}月{date.day}日在{county}第十八届人民代表大会第二次会议上", "各位代表："]
    for heading in HEADINGS:
        paragraphs.append(heading)
        for _ in range(6):
            parts = [s.format(n=rng.randint(1, 9), m=rng.randint(0, 9)) for s in rng.sample(SENTENCES, 4)]
            paragraphs.append("；".join(parts) + "。")
    return title, paragraphs


def write_files(folder: Path, count: int) -> list[dict]:
    """The documents, each as a file of one of the three kinds, and what each should give."""
    from reports.models import Region, RegionLevel
    from tests.documents import files

    counties = list(
        Region.objects.filter(level=RegionLevel.COUNTY, type__in=["县", "县级市"])
        .select_related("province")
        .order_by("code")
    )
    if len(counties) < count:
        sys.exit("The database has too few counties: run `manage.py load_regions` on it first.")
    rng = random.Random(12)
    expected = []
    for number, county in enumerate(rng.sample(counties, count)):
        date = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 80))
        title, paragraphs = document(rng, county.province.name, county.name, date)
        kind = ("pdf", "docx", "html")[number % 3]
        if kind == "pdf":
            content = files.pdf_bytes(paragraphs, title=title, header=f"{county.name}人民政府文件", lines_per_page=30)
        elif kind == "docx":
            content = files.docx_bytes(paragraphs, title=title)
        else:
            heading = title.split(")", 1)[1].rsplit("(", 1)[0]
            encoding = "gb18030" if number % 2 else "utf-8"
            content = files.html_bytes(
                paragraphs, heading=heading, site=f"{county.name}人民政府", encoding=encoding, published=f"{date}"
            )
        name = f"{number:03d}-{county.name}.{kind}"
        (folder / name).write_bytes(content)
        expected.append(
            {
                "kind": kind,
                "title": title.split(")", 1)[1].rsplit("(", 1)[0],
                "date": date,
                "region_id": county.pk,
                "paragraphs": paragraphs,
                "size": len(content),
            }
        )
    return expected


def write_rows(path: Path, expected: list[dict]) -> None:
    from reports.models import Region

    codes = dict(Region.objects.filter(pk__in=[e["region_id"] for e in expected]).values_list("pk", "code"))
    with open(path, "w", encoding="utf-8") as out:
        for item in expected:
            row = {
                "title": item["title"],
                "region": codes[item["region_id"]],
                "category": "baogao",
                "date": item["date"].isoformat(),
                "body": "\n".join(item["paragraphs"]),
                "status": "draft",
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def run_command(args: list[str], media: Path) -> float:
    env = {**os.environ, "DJANGO_PRIVATE_MEDIA_ROOT": str(media)}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", *args, "--verbosity", "1"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"manage.py {args[0]} failed:\n{result.stderr}")
    print(f"  {args[0]}: {result.stdout.strip().splitlines()[-1]}", flush=True)
    return seconds


def made_reports(expected: list[dict]) -> dict:
    from reports.models import Report

    titles = {item["title"] for item in expected}
    return {
        (report.title, report.region_id): report
        for report in Report.objects.filter(title__in=titles, status="draft").select_related("category")
    }


def remove(reports) -> None:
    from reports import services

    services.reports_delete(report_ids=[report.pk for report in reports])


def quality(expected: list[dict], reports: dict) -> None:
    print("\nExtraction quality on the generated files (proposals checked against what was written):")
    print(f"{'kind':6} {'files':>5} {'paragraphs exact':>17} {'title':>6} {'date':>5} {'region':>6} {'category':>8}")
    for kind in ("pdf", "docx", "html"):
        items = [item for item in expected if item["kind"] == kind]
        exact = total = titles = dates = regions = categories = 0
        for item in items:
            report = next((r for (title, _), r in reports.items() if title == item["title"]), None)
            total += len(item["paragraphs"])
            if report is None:
                continue
            got = report.paragraphs
            exact += sum(paragraph in got for paragraph in item["paragraphs"])
            titles += report.title == item["title"]
            dates += report.date == item["date"]
            regions += report.region_id == item["region_id"]
            categories += report.category.slug == "baogao"
        count = len(items)
        print(
            f"{kind:6} {count:>5} {exact / total:>16.1%} {titles}/{count:<4} {dates}/{count:<3} "
            f"{regions}/{count:<4} {categories}/{count}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    setup_django()
    from django.core.management import call_command

    call_command("createcachetable")  # the default cache, which deleting drafts makes stale; idempotent

    with tempfile.TemporaryDirectory(prefix="bench-documents-") as scratch:
        scratch = Path(scratch)
        folder, media, rows = scratch / "files", scratch / "private", scratch / "rows.jsonl"
        folder.mkdir()
        expected = write_files(folder, options.files)
        write_rows(rows, expected)
        megabytes = sum(item["size"] for item in expected) / 1024 / 1024
        print(f"{options.files} files, {megabytes:.1f} MB, about {len(expected[0]['paragraphs'])} paragraphs each")
        if made_reports(expected):
            sys.exit("Drafts with these titles exist already (an interrupted run?): delete them first.")
        baseline, measured = [], []
        try:
            for _ in range(options.rounds):
                baseline.append(run_command(["import_reports", str(rows)], media))
                remove(made_reports(expected).values())
                measured.append(run_command(["import_documents", str(folder)], media))
                reports = made_reports(expected)
                if len(reports) != options.files:
                    sys.exit(f"import_documents made {len(reports)} drafts of {options.files}")
                quality_reports = reports
                remove(reports.values())
        finally:
            remove(made_reports(expected).values())
        base, import_time = statistics.median(baseline), statistics.median(measured)
        print(f"\n{'':34} {'median s':>9} {'per document':>13}")
        print(f"{'import_reports (clean text, baseline)':34} {base:>9.2f} {base / options.files * 1000:>10.0f} ms")
        per_document = import_time / options.files * 1000
        print(f"{'import_documents (PDF/DOCX/HTML)':34} {import_time:>9.2f} {per_document:>10.0f} ms")
        print(f"ratio to the baseline: {import_time / base:.2f}×  (each includes a Python and Django start)")
        quality(expected, quality_reports)


if __name__ == "__main__":
    main()
