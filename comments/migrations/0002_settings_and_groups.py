from django.db import migrations

from portal.roles import EDITORS, SITE_OWNERS, grant, model_permissions


def forwards(apps, schema_editor):
    apps.get_model("comments", "CommentSettings").objects.get_or_create(pk=1)
    # Editors moderate comments and close comments on a report; site owners also set the site-wide rules.
    moderation = [
        *model_permissions("comment", actions=("view", "change")),
        *model_permissions("commentthread", actions=("view", "add", "change")),
        "view_commentsettings",
    ]
    grant(apps, [EDITORS, SITE_OWNERS], "comments", moderation)
    grant(apps, [SITE_OWNERS], "comments", ["change_commentsettings", "delete_comment"])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("portal", "0002_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
