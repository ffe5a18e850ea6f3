from django.db import migrations

from portal.roles import EDITORS, SITE_OWNERS, grant

MODELS = ["takedownnotice", "takedownitem", "takedownattachment", "counternotice", "takedownevent"]

APPEND_ONLY = """
CREATE FUNCTION takedowns_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'takedown records are append-only (% on %)', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER takedowns_event_append_only BEFORE UPDATE OR DELETE ON takedowns_takedownevent
    FOR EACH ROW EXECUTE FUNCTION takedowns_refuse_change();
CREATE TRIGGER takedowns_notice_no_delete BEFORE DELETE ON takedowns_takedownnotice
    FOR EACH ROW EXECUTE FUNCTION takedowns_refuse_change();
CREATE TRIGGER takedowns_counter_no_delete BEFORE DELETE ON takedowns_counternotice
    FOR EACH ROW EXECUTE FUNCTION takedowns_refuse_change();
"""

DROP_APPEND_ONLY = """
DROP TRIGGER takedowns_counter_no_delete ON takedowns_counternotice;
DROP TRIGGER takedowns_notice_no_delete ON takedowns_takedownnotice;
DROP TRIGGER takedowns_event_append_only ON takedowns_takedownevent;
DROP FUNCTION takedowns_refuse_change();
"""


def forwards(apps, schema_editor):
    grant(apps, [EDITORS, SITE_OWNERS], "takedowns", [f"view_{model}" for model in MODELS])
    grant(apps, [SITE_OWNERS], "takedowns", ["decide_takedownnotice", "change_takedownnotice", "add_counternotice"])


class Migration(migrations.Migration):
    dependencies = [
        ("takedowns", "0001_initial"),
        ("portal", "0002_groups"),
    ]

    operations = [
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
