from django.db import migrations

from portal.roles import EDITORS, SITE_OWNERS, grant, model_permissions

# Slugs are data: 华北 `hb` and 华中 `huazhong` are the original site's; the rest are readable pinyin.
BIG_REGIONS = [
    ("华北", "hb"), ("东北", "dongbei"), ("华东", "huadong"), ("华中", "huazhong"),
    ("华南", "huanan"), ("西南", "xinan"), ("西北", "xibei"),
]
CATEGORIES = [
    ("报告", "baogao", "政府工作报告"),
    ("公报", "gongbao", "国民经济和社会发展统计公报等"),
    ("规划", "guihua", "发展规划、专项规划"),
]


def forwards(apps, schema_editor):
    BigRegion = apps.get_model("reports", "BigRegion")
    Category = apps.get_model("reports", "Category")
    for position, (name, slug) in enumerate(BIG_REGIONS):
        BigRegion.objects.get_or_create(name=name, defaults={"slug": slug, "position": position})
    for position, (name, slug, description) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            name=name, defaults={"slug": slug, "position": position, "description": description}
        )
    grant(apps, [EDITORS, SITE_OWNERS], "reports",
          model_permissions("report", "region", "category", "bigregion"))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
