from django.db import migrations

from portal.roles import EDITORS, SITE_OWNERS, grant


def forwards(apps, schema_editor):
    # Moderators read the reports (举报) of a comment in the queue; nobody edits them there.
    grant(apps, [EDITORS, SITE_OWNERS], "comments", ["view_commentflag"])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_comment_flags"),
        ("portal", "0002_groups"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
