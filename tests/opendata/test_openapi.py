"""The OpenAPI description is a valid document, and the real answers of every endpoint (lists,
sync with tombstones, one report, errors) match the schemas it states for them."""

import datetime

import jsonschema
import pytest
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from reports import services as report_services
from reports.models import ReportStatus

from .conftest import make

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client, places):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    return response.json()


def response_schema(document: dict, path: str, status: int) -> jsonschema.protocols.Validator:
    schema = document["paths"][path]["get"]["responses"][str(status)]["content"]["application/json"]["schema"]
    registry = Registry().with_resource("urn:api", Resource.from_contents(document, default_specification=DRAFT202012))
    return jsonschema.Draft202012Validator(
        _rebase(schema), registry=registry, format_checker=jsonschema.FormatChecker()
    )


def _rebase(schema):
    """Local references (#/components/…) point into the whole document, registered as urn:api."""
    if isinstance(schema, dict):
        return {k: (v.replace("#/", "urn:api#/") if k == "$ref" else _rebase(v)) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_rebase(item) for item in schema]
    return schema


def test_the_description_is_valid_openapi_3_1(document):
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {"/reports/", "/reports/{id}/", "/regions/", "/categories/", "/areas/"}


def test_every_real_answer_matches_its_documented_schema(client, places, document):
    report = make(places, date=datetime.date(2023, 1, 1))
    make(places, where="guangzhou", date=datetime.date(2022, 1, 1))
    gone = make(places, date=datetime.date(2021, 1, 1))
    report_services.reports_set_status(report_ids=[gone.pk], status=ReportStatus.WITHDRAWN)
    answers = [
        ("/reports/", 200, "/api/v1/reports/?limit=1"),
        ("/reports/", 200, "/api/v1/reports/?body=1&region=43"),
        ("/reports/", 200, "/api/v1/reports/?updated_since=2000-01-01&limit=100"),
        ("/reports/", 200, "/api/v1/reports/?updated_since=2000-01-01&limit=1"),
        ("/reports/", 400, "/api/v1/reports/?limit=0"),
        ("/reports/{id}/", 200, f"/api/v1/reports/{report.pk}/"),
        ("/reports/{id}/", 404, f"/api/v1/reports/{gone.pk}/"),
        ("/regions/", 200, "/api/v1/regions/"),
        ("/categories/", 200, "/api/v1/categories/"),
        ("/areas/", 200, "/api/v1/areas/"),
    ]
    seen_tombstone = False
    for path, status, url in answers:
        response = client.get(url)
        assert response.status_code == status, url
        body = response.json()
        errors = list(response_schema(document, path, status).iter_errors(body))
        assert errors == [], (url, [error.message for error in errors])
        seen_tombstone |= any(item.get("removed") for item in body.get("results", []))
    assert seen_tombstone


def test_a_schema_violation_would_be_caught(document):
    """The check above can fail: a report missing a field, or with one the document does not name."""
    validator = response_schema(document, "/reports/{id}/", 200)
    assert list(validator.iter_errors({"id": 1, "removed": False, "title": "x"}))
