"""Editors and moderators manage what search offers readers: the dictionary (搜索词典词语,
同义词组) and promoted results (推广搜索结果). Without these permissions only superusers could;
the groups are Wagtail's Editors and Moderators, renamed 编辑 and 审核员 by articles 0006.
"""

from django.db import migrations

from articles.migrations._group_permissions import grant

forwards, backwards = grant(
    groups=["编辑", "审核员"],
    models=[
        ("search", "dictionaryword"),
        ("search", "synonymgroup"),
        ("wagtailsearchpromotions", "searchpromotion"),
    ],
    actions=["add", "change", "delete", "view"],
)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_pendingindexupdate_updated_at"),
        ("articles", "0006_chinese_default_groups"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
