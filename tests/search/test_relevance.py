"""The relevance set (tests/search/relevance.json) over the demo corpus, through the search page."""

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports.demo import SEED_ID
from reports.models import Report

RELEVANCE = json.loads((Path(__file__).parent / "relevance.json").read_text(encoding="utf-8"))


def first_result(client, query: str) -> Report | None:
    html = client.get(reverse("search:results"), {"q": query}).content.decode()
    match = re.search(r'<h2><a href="/[^/]+/[^/]+/(\d+)\.html">', html)
    if match is None:
        return None
    return Report.objects.select_related("province", "prefecture").get(pk=int(match.group(1)))


def problem(case: dict, report: Report | None) -> str | None:
    expected = case["first"]
    if report is None:
        return "no results"
    if expected == "seed":
        return None if report.pk == SEED_ID else f"first was {report.pk} {report.title}, not the seed"
    missing = [word for word in expected.get("title_contains", []) if word not in report.title]
    if missing:
        return f"first title {report.title!r} lacks {missing}"
    for level in ("province", "prefecture"):
        if level in expected and getattr(getattr(report, level), "name", None) != expected[level]:
            return f"first report {report.title!r} is not in {expected[level]}"
    return None


@pytest.mark.django_db
def test_relevance_set(client):
    call_command("load_regions", verbosity=0)
    call_command("load_demo", synthetic=RELEVANCE["synthetic_reports"], verbosity=0)
    failures = {case["query"]: problem(case, first_result(client, case["query"])) for case in RELEVANCE["cases"]}
    assert {query: reason for query, reason in failures.items() if reason} == {}
