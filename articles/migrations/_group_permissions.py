"""Granting the admin groups (编辑, 审核员: Wagtail's Editors and Moderators, renamed by
articles 0006) model permissions in a data migration, reversibly. Shared by the migrations
that need it (search 0007, articles 0007)."""

from django.contrib.auth.management import create_permissions


def _permissions(apps, models, actions):
    # On a new database Django creates permissions only after every migration (post_migrate):
    # created here for these apps (the migration state's app configs have no models module,
    # which create_permissions checks for).
    for app_label in sorted({app for app, _ in models}):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label__in=[app for app, _ in models],
        content_type__model__in=[model for _, model in models],
        codename__in=[f"{action}_{model}" for action in actions for _, model in models],
    )


def grant(groups, models, actions):
    """(forwards, backwards) for RunPython: the groups get, then lose, `action_model` for
    every (app_label, model) in models."""

    def forwards(apps, schema_editor):
        permissions = list(_permissions(apps, models, actions))
        for group in apps.get_model("auth", "Group").objects.filter(name__in=groups):
            group.permissions.add(*permissions)

    def backwards(apps, schema_editor):
        permissions = list(_permissions(apps, models, actions))
        for group in apps.get_model("auth", "Group").objects.filter(name__in=groups):
            group.permissions.remove(*permissions)

    return forwards, backwards
