"""Editors and moderators moderate readers' comments (评论审核) and keep the 敏感词 list: the
README says editors do, but only superusers could (no group held these permissions). The
groups are Wagtail's Editors and Moderators, renamed 编辑 and 审核员 by 0006.
"""

from django.db import migrations

from ._group_permissions import grant

forwards, backwards = grant(
    groups=["编辑", "审核员"],
    models=[("articles", "comment"), ("articles", "sensitiveword")],
    actions=["add", "change", "delete", "view"],
)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_chinese_default_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
