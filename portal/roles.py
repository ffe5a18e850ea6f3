"""The two staff groups and their permissions. Data migrations of every app call `grant` so that
the groups always match the code that exists."""

EDITORS = "编辑"
SITE_OWNERS = "站长"


def grant(apps, group_names: list[str], app_label: str, codenames: list[str]) -> None:
    """Give `codenames` of `app_label` to each group (creating groups and permissions as needed)."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    missing = set(codenames) - {p.codename for p in permissions}
    if missing:
        raise LookupError(f"unknown permissions for {app_label}: {sorted(missing)}")
    for name in group_names:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def model_permissions(*models: str, actions=("add", "change", "delete", "view")) -> list[str]:
    return [f"{action}_{model}" for model in models for action in actions]
