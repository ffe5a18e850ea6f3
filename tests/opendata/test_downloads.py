"""Bulk downloads: a file per year with a manifest that describes it exactly, rebuilt for the years
that changed, never holding a report readers may not see; served by /data/."""

import datetime
import gzip
import hashlib
import io
import json

import pytest
from django.core.management import call_command

from opendata import services
from reports import services as report_services
from reports.models import ReportStatus

from .conftest import make

pytestmark = pytest.mark.django_db


def lines(path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_one_file_per_year_and_a_manifest_with_names_sizes_rows_and_sha256(places, settings):
    reports_2023 = [make(places, date=datetime.date(2023, 1, n)) for n in (1, 2, 3)]
    report_2021 = make(places, where="guangzhou", date=datetime.date(2021, 6, 1))
    call_command("build_downloads", stdout=io.StringIO())
    root = settings.OPENDATA_ROOT
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert [(f["name"], f["year"], f["rows"]) for f in manifest["files"]] == [
        ("reports-2021.jsonl.gz", 2021, 1),
        ("reports-2023.jsonl.gz", 2023, 3),
    ]
    for entry in manifest["files"]:
        data = (root / entry["name"]).read_bytes()
        assert entry["bytes"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
    rows = lines(root / "reports-2023.jsonl.gz")
    assert [row["id"] for row in rows] == [r.pk for r in reports_2023]
    assert rows[0]["body"] == reports_2023[0].body and rows[0]["region"]["code"] == "433101"
    assert lines(root / "reports-2021.jsonl.gz")[0]["id"] == report_2021.pk


def test_restricted_withdrawn_and_draft_reports_never_appear_in_a_download(places, settings):
    make(places, title="公开的报告")
    make(places, status=ReportStatus.DRAFT, title="草稿报告")
    withdrawn, restricted = make(places, title="撤回的报告"), make(places, title="屏蔽的报告")
    services.downloads_build()
    report_services.reports_set_status(report_ids=[withdrawn.pk], status=ReportStatus.WITHDRAWN)
    report_services.reports_set_restricted(report_ids=[restricted.pk], restricted=True)
    services.downloads_build()
    titles = [row["title"] for row in lines(settings.OPENDATA_ROOT / "reports-2023.jsonl.gz")]
    assert titles == ["公开的报告"]


def test_only_the_years_that_changed_are_rebuilt_and_an_emptied_year_goes(places, settings):
    make(places, date=datetime.date(2023, 5, 1))
    old = make(places, date=datetime.date(2020, 5, 1))
    assert services.downloads_build().built == [2020, 2023]
    assert services.downloads_build().built == []
    first = (settings.OPENDATA_ROOT / "reports-2023.jsonl.gz").read_bytes()

    make(places, date=datetime.date(2023, 6, 1))
    summary = services.downloads_build()
    assert summary.built == [2023] and summary.kept == [2020]
    assert len(lines(settings.OPENDATA_ROOT / "reports-2023.jsonl.gz")) == 2
    assert (settings.OPENDATA_ROOT / "reports-2023.jsonl.gz").read_bytes() != first

    report_services.reports_set_restricted(report_ids=[old.pk], restricted=True)
    summary = services.downloads_build()
    assert summary.removed == ["reports-2020.jsonl.gz"]
    assert not (settings.OPENDATA_ROOT / "reports-2020.jsonl.gz").exists()
    names = [f["name"] for f in services.read_manifest()["files"]]
    assert names == ["reports-2023.jsonl.gz"]


def test_a_renamed_region_rebuilds_the_files_that_show_it(places, settings):
    make(places)
    services.downloads_build()
    jishou = places["jishou"]
    jishou.name = "吉首市（新）"
    report_services.region_save(region=jishou)
    assert services.downloads_build().built == [2023]
    assert lines(settings.OPENDATA_ROOT / "reports-2023.jsonl.gz")[0]["region"]["name"] == "吉首市（新）"


def test_the_data_page_lists_the_files_and_explains_terms_and_use(client, places):
    make(places)
    assert "数据文件正在生成" in client.get("/data/").content.decode()
    services.downloads_build()
    html = client.get("/data/").content.decode()
    entry = services.read_manifest()["files"][0]
    assert "reports-2023.jsonl.gz" in html and entry["sha256"][:14] in html
    for text in ("许可与署名", "数据来源", "curl", "import gzip, json", "updated_since", "本文仅代表作者观点"):
        assert text in html, text


def test_files_are_downloaded_whole_with_their_checksum_as_etag(client, places):
    make(places)
    services.downloads_build()
    entry = services.read_manifest()["files"][0]
    response = client.get(f"/data/files/{entry['name']}")
    assert response.status_code == 200 and response["Content-Type"] == "application/gzip"
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert "attachment" in response["Content-Disposition"]
    assert client.get(f"/data/files/{entry['name']}", HTTP_IF_NONE_MATCH=f'"{entry["sha256"]}"').status_code == 304
    manifest = client.get("/data/files/manifest.json")
    assert json.loads(b"".join(manifest.streaming_content))["files"][0]["sha256"] == entry["sha256"]
    for name in ("reports-1999.jsonl.gz", "..%2Fmanifest.json", ".reports-2023.jsonl.gz.partial"):
        assert client.get(f"/data/files/{name}").status_code == 404


def test_the_data_page_shows_new_files_at_once_despite_the_page_cache(client, places):
    make(places, date=datetime.date(2023, 1, 1))
    services.downloads_build()
    assert client.get("/data/")["X-Page-Cache"] == "miss"
    assert client.get("/data/")["X-Page-Cache"] == "hit"
    make(places, date=datetime.date(2019, 1, 1))
    services.downloads_build()
    assert "reports-2019.jsonl.gz" in client.get("/data/").content.decode()


def test_housekeeping_builds_the_downloads(places, settings):
    make(places)
    out = io.StringIO()
    call_command("housekeeping", stdout=out)
    assert "downloads: 1 year file(s)" in out.getvalue()
    assert (settings.OPENDATA_ROOT / "reports-2023.jsonl.gz").exists()
