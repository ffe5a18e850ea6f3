import pytest
from django.urls import reverse

from tests.factories import ReportFactory


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Takedown evidence files of these tests go to a temporary folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


BODY = "（一）第一段，保持不变。\n（二）第二段，原来的写法。\n（三）第三段，也不变。"
EDITED_BODY = BODY.replace("原来的写法", "改过的写法") + "\n（四）新加的一段。"


@pytest.fixture
def report(db, region, category):
    return ReportFactory(region=region, category=category, title="吉首市政府工作报告", body=BODY)


def change_url(report) -> str:
    return reverse("admin:reports_report_change", args=[report.pk])


def history_url(report) -> str:
    return reverse("admin:reports_report_history", args=[report.pk])


def revision_url(report, number: int) -> str:
    return reverse("admin:reports_report_revision", args=[report.pk, number])


def restore_url(report, number: int) -> str:
    return reverse("admin:reports_report_restore", args=[report.pk, number])


def change_form(report, **changes) -> dict:
    """The admin change form of `report` as a browser sends it, with `changes`."""
    data = {
        "title": report.title,
        "region": report.region_id,
        "category": report.category_id,
        "date": report.date.isoformat(),
        "status": report.status,
        "body": report.body,
        "source_name": report.source_name,
        "source_url": report.source_url,
    }
    return {**data, **changes}
