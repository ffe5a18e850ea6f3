from django.db import migrations

from portal.roles import EDITORS, SITE_OWNERS, grant


def forwards(apps, schema_editor):
    # Editors import reports (reports.add_report); they see the originals and may remove one.
    grant(apps, [EDITORS, SITE_OWNERS], "documents", ["view_original", "delete_original"])


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
