"""/data/ as a researcher sees it on a desktop and a phone, and the API read by a page of another
site in a real browser (which enforces CORS)."""

import datetime
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from opendata import services
from tests.factories import ReportFactory, jishou
from tests.servers import free_port

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def downloads(settings, tmp_path):
    settings.OPENDATA_ROOT = tmp_path / "opendata"
    region = jishou()
    for year in (2022, 2023):
        ReportFactory(region=region, date=datetime.date(year, 3, 1), title=f"吉首市{year}年政府工作报告")
    services.downloads_build()


@pytest.fixture
def other_site(tmp_path):
    """A page of another origin (another port on loopback) for the browser to read the API from."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<!doctype html><title>研究者的网页</title>", encoding="utf-8")
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(SimpleHTTPRequestHandler, directory=tmp_path / "site"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/"
    server.shutdown()
    server.server_close()


def test_the_data_page_lists_the_files_on_a_desktop_and_a_phone(live_server, page, phone_page, screenshot, downloads):
    for viewport, tab in (("desktop", page), ("phone", phone_page)):
        tab.goto(live_server.url + "/data/")
        expect(tab.get_by_role("heading", level=1)).to_have_text("开放数据")
        expect(tab.get_by_role("link", name="reports-2023.jsonl.gz")).to_be_visible()
        expect(tab.get_by_role("heading", name="许可与署名")).to_be_visible()
        # Nothing but the code samples' own boxes scrolls sideways.
        overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, viewport
        screenshot(tab, f"opendata-{viewport}")
    with page.expect_download() as download:
        page.get_by_role("link", name="reports-2022.jsonl.gz").click()
    assert download.value.suggested_filename == "reports-2022.jsonl.gz"


def test_a_page_of_another_site_can_read_the_api_but_not_a_page_of_the_site(live_server, page, other_site, downloads):
    page.goto(other_site)
    api = live_server.url.replace("127.0.0.1", "localhost") + "/api/v1/reports/?year=2023"
    titles = page.evaluate("url => fetch(url).then(r => r.json()).then(p => p.results.map(r => r.title))", api)
    assert titles == ["吉首市2023年政府工作报告"]
    error = page.evaluate("url => fetch(url).then(r => r.json()).then(e => e.code)", api.replace("2023", "23"))
    assert error == "invalid_year"
    # An HTML page carries no CORS header: the browser refuses to hand it to the other site.
    blocked = page.evaluate(
        "url => fetch(url).then(() => 'read', () => 'blocked')",
        live_server.url.replace("127.0.0.1", "localhost") + "/data/",
    )
    assert blocked == "blocked"
