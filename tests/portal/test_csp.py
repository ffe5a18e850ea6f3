"""Content-Security-Policy: on every page, scripts only from the site and with the request's nonce,
consistent when a page comes from the page cache, report-only mode, and the report endpoint."""

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portal import views
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ENFORCE = "Content-Security-Policy"
REPORT_ONLY = "Content-Security-Policy-Report-Only"

SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
NONCE_ATTR = re.compile(r'\bnonce="([^"]*)"')


def directives(header: str) -> dict[str, list[str]]:
    policy = {}
    for part in header.split(";"):
        name, *values = part.split()
        policy[name] = values
    return policy


def header_nonce(header: str) -> str | None:
    nonces = [value for value in directives(header)["script-src"] if value.startswith("'nonce-")]
    assert len(nonces) <= 1, header
    return nonces[0].removeprefix("'nonce-").removesuffix("'") if nonces else None


def executable_scripts(html: str) -> list[str]:
    """Script elements a browser would run (JSON-LD is data and needs no permission)."""
    return [tag for tag in SCRIPT_TAG.findall(html) if "application/ld+json" not in tag]


def assert_scripts_carry_the_header_nonce(response) -> None:
    html = response.content.decode()
    nonce = header_nonce(response[ENFORCE])
    scripts = executable_scripts(html)
    assert scripts, "the page has no script to check"
    assert nonce, "the page has scripts but the header allows no nonce"
    for tag in scripts:
        assert re.search(r'\ssrc="/(?!/)', tag), f"not a script of the site: {tag}"
        assert NONCE_ATTR.search(tag) and NONCE_ATTR.search(tag)[1] == nonce, tag


def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


PAGES = {
    "home": lambda report: "/",
    "list": lambda report: report.category.get_absolute_url(),
    "article": lambda report: report.get_absolute_url(),
    "comment page": lambda report: reverse("comments:page", args=[report.pk]),
    "search": lambda report: "/search/?q=" + report.title[:4],
    "takedown form": lambda report: reverse("takedowns:notice"),
    "admin login": lambda report: "/admin/login/",
    "404": lambda report: "/no/such/page/here/",
}


@pytest.mark.parametrize("name", PAGES)
def test_every_page_carries_the_policy(client, report, name):
    response = client.get(PAGES[name](report))
    assert response.status_code == (404 if name == "404" else 200)
    policy = directives(response[ENFORCE])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["report-uri"] == [reverse("csp_report")]
    for directive in ("script-src", "style-src"):
        assert "'self'" in policy[directive]
        assert "'unsafe-inline'" not in policy[directive] and "'unsafe-eval'" not in policy[directive]
        assert not any(value.startswith(("http:", "https:", "*")) for value in policy[directive])
    assert REPORT_ONLY not in response


@pytest.mark.parametrize("name", ["home", "list", "article", "comment page", "takedown form", "admin login", "404"])
def test_scripts_are_files_of_the_site_with_the_nonce_of_the_header(client, report, name):
    response = client.get(PAGES[name](report))
    assert_scripts_carry_the_header_nonce(response)


def test_no_inline_script_handler_or_style_in_the_pages(client, report):
    """What the policy would block: script without src, on…= handlers, javascript: links, style."""
    for name, address in PAGES.items():
        html = client.get(address(report)).content.decode()
        for tag in executable_scripts(html):
            assert "src=" in tag, (name, tag)
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), name
        assert "javascript:" not in html, name
        assert not re.search(r"<[^>]+\sstyle\s*=", html) and "<style" not in html, name


def test_the_500_page_is_styled_from_a_file(rf):
    html = views.server_error(rf.get("/")).content.decode()
    assert "<style" not in html and "style=" not in html and "<script" not in html
    assert '<link rel="stylesheet" href="/static/css/standalone.css">' in html


def test_bad_host_400_carries_the_policy():
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")
    assert response.status_code in (400, 500)  # the 400 page is owned by the error-pages work
    assert "'unsafe-inline'" not in directives(response[ENFORCE])["script-src"]


def test_each_request_gets_a_fresh_nonce(client, report):
    nonces = {header_nonce(client.get("/takedown/")[ENFORCE]) for _ in range(3)}
    assert len(nonces) == 3 and None not in nonces


def test_a_cached_page_keeps_the_header_that_matches_its_body(client, report):
    """The page cache stores whole responses: the hit must carry the nonce its stored body carries."""
    first = client.get(report.get_absolute_url())
    second = client.get(report.get_absolute_url())
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert_scripts_carry_the_header_nonce(second)
    assert second[ENFORCE] == first[ENFORCE] and second.content == first.content


def test_head_and_revalidation_of_a_cached_page_never_send_another_nonce(client, report):
    """A 304 updates the headers the browser stored with the body: a new nonce there would no longer
    match the stored body's."""
    page = client.get(report.get_absolute_url())
    head = client.head(report.get_absolute_url())
    assert head["X-Page-Cache"] == "hit" and head[ENFORCE] == page[ENFORCE]
    again = client.get(report.get_absolute_url(), HTTP_IF_NONE_MATCH=page["ETag"])
    assert again.status_code == 304
    assert again.get(ENFORCE) in (None, page[ENFORCE])


def test_admin_pages_carry_the_policy_and_nonces(client, report):
    client = staff_client(client)
    for address in ("/admin/", f"/admin/reports/report/{report.pk}/change/", "/admin/reports/report/"):
        response = client.get(address)
        assert response.status_code == 200, address
        assert_scripts_carry_the_header_nonce(response)
        style_nonces = re.findall(r"<(?:style|link)\b[^>]*\bnonce=\"([^\"]*)\"", response.content.decode())
        assert set(style_nonces) <= {header_nonce(response[ENFORCE])}, address


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "example.cn",
    "DATABASE_URL": "postgres://portal:secret@127.0.0.1:5432/portal",
    "DJANGO_SITE_URL": "https://example.cn",
}
PRINT_HEADERS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(['enforce'] * bool(settings.SECURE_CSP) + ['report-only'] * bool(settings.SECURE_CSP_REPORT_ONLY))"
)


def production_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", PRINT_HEADERS],
        cwd=Path(__file__).resolve().parents[2],
        env=clean | PRODUCTION | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env,sent", [({}, "['enforce']"), ({"DJANGO_CSP_MODE": "report-only"}, "['report-only']")], ids=["unset", "report"]
)
def test_the_mode_setting_chooses_the_header(env, sent):
    result = production_settings(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == sent


def test_an_unknown_mode_stops_the_site_with_a_clear_message():
    result = production_settings(DJANGO_CSP_MODE="off")
    assert result.returncode != 0
    assert "DJANGO_CSP_MODE must be enforce or report-only, not 'off'" in result.stderr


def test_report_only_mode_sends_the_other_header(client, report, settings):
    settings.SECURE_CSP_REPORT_ONLY, settings.SECURE_CSP = settings.SECURE_CSP, {}
    response = client.get(report.get_absolute_url())
    assert ENFORCE not in response
    policy = directives(response[REPORT_ONLY])
    assert policy["report-uri"] == [reverse("csp_report")]
    nonce = header_nonce(response[REPORT_ONLY])
    assert nonce and all(f'nonce="{nonce}"' in tag for tag in executable_scripts(response.content.decode()))


# What Chromium sent to report-uri for an inline script under the report-only policy.
CHROMIUM_REPORT = {
    "csp-report": {
        "document-uri": "http://127.0.0.1:8000/baogao/huazhong/1.html",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'; script-src 'self' 'report-sample'; report-uri /csp-report/",
        "disposition": "report",
        "blocked-uri": "inline",
        "line-number": 12,
        "source-file": "http://127.0.0.1:8000/baogao/huazhong/1.html",
        "status-code": 200,
        "script-sample": "alert(document.cookie)\n",
    }
}


def test_a_violation_report_is_logged_and_answered_204(client, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.csp"):
        response = client.post(
            reverse("csp_report"), json.dumps(CHROMIUM_REPORT), content_type="application/csp-report"
        )
    assert response.status_code == 204 and response.content == b""
    [record] = [record for record in caplog.records if record.name == "portal.csp"]
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert "script-src-elem" in message and "'inline'" in message and "/baogao/huazhong/1.html" in message
    assert "\n" not in message  # the sample's line break cannot start a forged log line


def test_a_reporting_api_report_is_logged(client, caplog):
    body = [
        {
            "type": "csp-violation",
            "url": "http://127.0.0.1:8000/",
            "body": {
                "documentURL": "http://127.0.0.1:8000/",
                "effectiveDirective": "style-src-attr",
                "blockedURL": "inline",
                "disposition": "enforce",
                "sample": "color:red",
            },
        }
    ]
    with caplog.at_level(logging.WARNING, logger="portal.csp"):
        response = client.post(reverse("csp_report"), json.dumps(body), content_type="application/reports+json")
    assert response.status_code == 204
    assert any("style-src-attr" in record.getMessage() for record in caplog.records if record.name == "portal.csp")


def test_the_report_endpoint_refuses_get(client):
    assert client.get(reverse("csp_report")).status_code == 405


def test_the_report_endpoint_refuses_an_oversized_body_without_logging_it(client, caplog):
    report = {"csp-report": {**CHROMIUM_REPORT["csp-report"], "script-sample": "x" * 20_000}}
    with caplog.at_level(logging.WARNING, logger="portal.csp"):
        response = client.post(reverse("csp_report"), json.dumps(report), content_type="application/csp-report")
    assert response.status_code == 413
    assert not [record for record in caplog.records if record.name == "portal.csp"]


@pytest.mark.parametrize("body", [b"", b"not json", b"\xff\xfe", b"[]", b"{}", b'{"csp-report": "x"}', b"[1, 2]"])
def test_the_report_endpoint_answers_400_to_what_is_not_a_report(client, body):
    response = client.post(reverse("csp_report"), body, content_type="application/csp-report")
    assert response.status_code == 400
    assert "不是有效的 CSP 违规报告" in response.content.decode()


def test_the_report_endpoint_is_not_a_category_slug():
    assert reverse("csp_report").strip("/") in settings.RESERVED_SLUGS
