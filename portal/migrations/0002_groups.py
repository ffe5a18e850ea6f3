from django.db import migrations

from portal.roles import SITE_OWNERS, grant


def forwards(apps, schema_editor):
    grant(apps, [SITE_OWNERS], "portal", ["change_siteconfiguration", "view_siteconfiguration"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
