import json

import pytest
from django.core.management import CommandError, call_command

from reports.models import Region, RegionLevel, Report, ReportStatus, ReportTally

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions(db):
    call_command("load_regions")


def test_load_regions_loads_the_whole_tree_idempotently(regions):
    call_command("load_regions")
    assert Region.objects.count() == 3212
    assert Region.objects.filter(level=RegionLevel.PROVINCE).count() == 34
    jishou = Region.objects.select_related("province", "prefecture", "big_region").get(code="433101")
    assert (jishou.name, jishou.province.name, jishou.prefecture.name) == ("吉首市", "湖南省", "湘西土家族苗族自治州")
    assert jishou.big_region.slug == "huazhong"
    assert Region.objects.get(code="13").big_region.slug == "hb"
    assert Region.objects.get(code="61").slug == "shaanxi" and Region.objects.get(code="14").slug == "shanxi"
    districts = Region.objects.filter(parent__code="11")
    assert districts.exists() and not districts.filter(prefecture__isnull=False).exists()
    assert Region.objects.values("slug").distinct().count() == 3212


def test_load_demo_serves_the_seed_page_once(client, regions):
    call_command("load_demo", synthetic=50, verbosity=0)
    call_command("load_demo", synthetic=50, verbosity=0)
    assert Report.objects.count() == 51
    seed = Report.objects.get(pk=5618)
    assert seed.display_title == "(湖南省)吉首市人民政府工作报告(2023年2月14日)"
    html = client.get("/baogao/huazhong/5618.html").content.decode()
    assert "大兴寨水库全面动工建设" in html
    assert '本文地址:<a href="/baogao/huazhong/5618.html">/baogao/huazhong/5618.html</a>' in html
    assert len(seed.paragraphs) == 3
    assert Report.objects.exclude(pk=5618).order_by("pk").first().pk > 5618


def test_generate_reports_spreads_over_regions_categories_and_years(regions, capsys):
    call_command("generate_reports", count=300, seed=1)
    assert "reports/s" in capsys.readouterr().out
    reports = Report.objects.all()
    assert reports.count() == 300
    assert reports.values("category").distinct().count() == 3
    assert reports.values("date__year").distinct().count() == 10
    assert reports.values("province").distinct().count() > 25
    assert not reports.exclude(status=ReportStatus.PUBLISHED).exists()
    assert sum(ReportTally.objects.values_list("count", flat=True)) == 300
    sample = reports.select_related("region").first()
    assert sample.region.name in sample.title and sample.paragraphs


def test_generate_reports_rejects_a_bad_count(regions):
    with pytest.raises(CommandError):
        call_command("generate_reports", count=0)


def write_jsonl(path, rows):
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8"
    )
    return path


GOOD = {
    "title": "吉首市2024年政府工作报告",
    "region": "433101",
    "category": "baogao",
    "date": "2024-02-01",
    "body": "第一段。\n第二段。",
    "source_name": "吉首市人民政府",
    "source_url": "https://www.jishou.gov.cn/",
}


def test_import_jsonl_reports_bad_lines_and_keeps_good_ones(regions, tmp_path, capsys):
    path = write_jsonl(
        tmp_path / "reports.jsonl",
        [
            GOOD,
            {**GOOD, "region": "不存在市"},
            "{not json",
            {**GOOD, "title": "湖南省统计公报", "region": "湖南省", "category": "公报", "date": "2024-03-01"},
            {**GOOD, "date": "2024/13/01", "title": "x"},
            {**GOOD, "title": ""},
            {**GOOD, "region": "朝阳区", "title": "y"},
            {**GOOD, "title": "z", "source_url": "not a url"},
            {**GOOD, "title": "nul\u0000"},
        ],
    )
    call_command("import_reports", str(path))
    captured = capsys.readouterr()
    assert Report.objects.count() == 2
    for line in (
        "第 2 行：未知地区",
        "第 3 行：不是有效的 JSON",
        "第 5 行：日期",
        "第 6 行：缺少字段：title",
        "第 7 行：地区名称“朝阳区”不唯一",
        "第 8 行：source_url",
        "第 9 行：字段 title 含有无效字符",
    ):
        assert line in captured.err
    assert "导入 2 篇" in captured.out
    call_command("import_reports", str(path))
    assert Report.objects.count() == 2
    assert "已存在跳过 2 篇" in capsys.readouterr().out


def test_import_csv(regions, tmp_path, client):
    path = tmp_path / "reports.csv"
    path.write_text(
        "title,region,category,date,body,source_name,source_url,status\n"
        '吉首市规划,433101,guihua,2021-06-01,"第一段。\n第二段。",吉首市人民政府,,published\n'
        "草稿报告,433101,baogao,2021-06-02,正文,,,draft\n",
        encoding="utf-8",
    )
    call_command("import_reports", str(path), verbosity=0)
    plan = Report.objects.get(title="吉首市规划")
    assert plan.paragraphs == ["第一段。", "第二段。"]
    assert client.get(plan.get_absolute_url()).status_code == 200
    assert Report.objects.get(title="草稿报告").status == ReportStatus.DRAFT


def test_import_refuses_unknown_file_types(tmp_path):
    path = tmp_path / "reports.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(CommandError):
        call_command("import_reports", str(path))
    with pytest.raises(CommandError):
        call_command("import_reports", str(tmp_path / "missing.jsonl"))
