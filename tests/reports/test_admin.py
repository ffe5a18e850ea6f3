import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from portal.roles import EDITORS, SITE_OWNERS
from reports.models import BigRegion, Category, Region, Report, ReportStatus, ReportTally
from tests.factories import ReportFactory, UserFactory

pytestmark = pytest.mark.django_db

REPORT_MODELS = [Report, Region, Category, BigRegion]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", [m for m in site._registry])
def test_every_changelist_search_and_add_page_opens(admin_client, report, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "changelist"), {"q": "吉首"}).status_code == 200
    add = admin_client.get(admin_url(model, "add"))
    assert add.status_code in (200, 403)  # singletons refuse a second row


def test_report_change_page_and_filters(admin_client, report):
    assert admin_client.get(admin_url(Report, "change", report.pk)).status_code == 200
    for query in (
        {"category__id__exact": report.category_id},
        {"big_region__id__exact": report.big_region_id},
        {"province": report.province_id},
        {"status__exact": "published"},
        {"year": "2023"},
        {"year": "x"},
        {"province": "x"},
    ):
        response = admin_client.get(admin_url(Report, "changelist"), query)
        assert response.status_code == 200, query
    assert (
        report.title
        in admin_client.get(admin_url(Report, "changelist"), {"province": report.province_id}).content.decode()
    )


def test_search_by_id_and_title(admin_client, report, region, category):
    other = ReportFactory(region=region, category=category, title="另一份报告")
    by_id = admin_client.get(admin_url(Report, "changelist"), {"q": str(report.pk)}).content.decode()
    assert report.title in by_id and other.title not in by_id
    by_title = admin_client.get(admin_url(Report, "changelist"), {"q": "另一份"}).content.decode()
    assert other.title in by_title and report.title not in by_title


def test_adding_a_report_in_admin_derives_region_columns_and_counts(admin_client, region, category):
    response = admin_client.post(
        admin_url(Report, "add"),
        {
            "title": "吉首市2025年政府工作报告",
            "region": region.pk,
            "category": category.pk,
            "date": "2025-01-20",
            "status": "published",
            "body": "第一段。\n第二段。",
            "source_name": "",
            "source_url": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report = Report.objects.get(title="吉首市2025年政府工作报告")
    assert report.province.name == "湖南省" and report.published_at is not None
    assert ReportTally.objects.get(region=region, category=category, year=2025).count == 1


def test_region_autocomplete_finds_by_name(admin_client, region):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "reports", "model_name": "report", "field_name": "region", "term": "吉首"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["吉首市"]


def test_bulk_publish_and_withdraw(admin_client, region, category):
    drafts = [ReportFactory(region=region, category=category, status=ReportStatus.DRAFT) for _ in range(3)]
    ids = [d.pk for d in drafts]
    admin_client.post(admin_url(Report, "changelist"), {"action": "publish", "_selected_action": ids})
    assert Report.objects.published().count() == 3
    admin_client.post(admin_url(Report, "changelist"), {"action": "withdraw", "_selected_action": ids[:2]})
    assert list(Report.objects.published().values_list("pk", flat=True)) == ids[2:]
    assert sum(ReportTally.objects.values_list("count", flat=True)) == 1


def test_view_on_site_and_draft_preview(admin_client, region, category):
    draft = ReportFactory(region=region, category=category, status=ReportStatus.DRAFT)
    page = admin_client.get(admin_url(Report, "change", draft.pk)).content.decode()
    assert "在站点上查看" in page
    assert admin_client.get(draft.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("slug", ["admin", "bad slug", "华中"])
def test_category_slugs_are_validated(admin_client, slug):
    response = admin_client.post(admin_url(Category, "add"), {"name": "新栏目", "slug": slug, "position": 5})
    assert response.status_code == 200 and not Category.objects.filter(name="新栏目").exists()


def test_category_slugs_are_unique(admin_client):
    admin_client.post(admin_url(Category, "add"), {"name": "新栏目", "slug": "baogao", "position": 5})
    assert not Category.objects.filter(name="新栏目").exists()


@pytest.mark.parametrize("group", [EDITORS, SITE_OWNERS])
def test_staff_groups_manage_reports(client, report, group):
    client.force_login(UserFactory(is_staff=True, groups=[group]))
    for model in REPORT_MODELS:
        assert client.get(admin_url(model, "changelist")).status_code == 200
        assert client.get(admin_url(model, "add")).status_code == 200
    assert client.get(admin_url(Report, "change", report.pk)).status_code == 200


def test_only_site_owners_edit_the_site_settings(client):
    from portal.models import SiteConfiguration

    SiteConfiguration.objects.get_or_create(pk=1)
    client.force_login(UserFactory(is_staff=True, groups=[EDITORS]))
    assert client.get(admin_url(SiteConfiguration, "change", 1)).status_code == 403
    client.force_login(UserFactory(is_staff=True, groups=[SITE_OWNERS]))
    assert client.get(admin_url(SiteConfiguration, "change", 1)).status_code == 200


def test_site_settings_change_what_readers_see(client, report):
    from portal.models import SiteConfiguration

    SiteConfiguration.objects.update_or_create(
        pk=1, defaults={"site_name": "县志网", "icp_number": "湘ICP备12345678号", "contact_email": "help@example.cn"}
    )
    html = client.get(report.get_absolute_url()).content.decode()
    assert "凡注明为县志网原创作品的" in html
    assert "湘ICP备12345678号" in html and "help@example.cn" in html
