from django.db import migrations

from portal.roles import SITE_OWNERS, grant


def forwards(apps, schema_editor):
    # Messages carry claimants' and providers' contact details: site owners only.
    grant(apps, [SITE_OWNERS], "outbox", ["view_outgoingemail", "resend_outgoingemail"])


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
        ("portal", "0002_groups"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
