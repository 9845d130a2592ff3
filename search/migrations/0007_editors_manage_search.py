"""Editors and moderators manage what search offers readers: the dictionary (搜索词典词语,
同义词组) and promoted results (推广搜索结果). Without these permissions only superusers could;
the groups are Wagtail's Editors and Moderators, renamed 编辑 and 审核员 by articles 0006.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["编辑", "审核员"]
MODELS = [
    ("search", "dictionaryword"),
    ("search", "synonymgroup"),
    ("wagtailsearchpromotions", "searchpromotion"),
]
ACTIONS = ["add", "change", "delete", "view"]


def _permissions(apps):
    # On a new database Django creates permissions only after every migration (post_migrate):
    # created here for these apps (the migration state's app configs have no models module,
    # which create_permissions checks for).
    for app_label in sorted({app for app, _ in MODELS}):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label__in=[app for app, _ in MODELS],
        content_type__model__in=[model for _, model in MODELS],
        codename__in=[f"{action}_{model}" for action in ACTIONS for _, model in MODELS],
    )


def forwards(apps, schema_editor):
    permissions = list(_permissions(apps))
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def backwards(apps, schema_editor):
    permissions = list(_permissions(apps))
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_pendingindexupdate_updated_at"),
        ("articles", "0006_chinese_default_groups"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
