"""Newsroom roles as Django groups, and the helper data migrations use to grant permissions.

Each app's data migration names the permissions it adds to each group; the groups
themselves are created by the first of them.
"""

REPORTER = "Reporter"
EDITOR = "Editor"
PHOTOGRAPHER = "Photographer"
ROLES = (REPORTER, EDITOR, PHOTOGRAPHER)


def _create_permissions(apps) -> None:
    # Permissions are normally created after all migrations (post_migrate); a data
    # migration that grants them must create them first.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = previous or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = previous


def grant(apps, grants: dict[str, list[str]]) -> None:
    """Create the role groups if needed and add ``app_label.codename`` permissions to them."""
    _create_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    for role, names in grants.items():
        group = Group.objects.get(name=role)
        for name in names:
            app_label, codename = name.split(".", 1)
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def revoke(apps, grants: dict[str, list[str]]) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in grants.items():
        group = Group.objects.filter(name=role).first()
        if group is None:
            continue
        for name in names:
            app_label, codename = name.split(".", 1)
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
