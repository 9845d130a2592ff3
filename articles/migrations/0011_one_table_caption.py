"""A 表格 has one 表格标题: the table editor's own (its <caption>). The block's second one,
shown above it under the same label, is removed; what it held moves into the table's caption,
in the live articles and every revision (drafts, history, 比较). Where both were filled with
different words, both are kept, the block's first: readers saw both.
"""

import wagtail.fields
from django.db import migrations
from wagtail.blocks.migrations.migrate_operation import MigrateStreamData
from wagtail.blocks.migrations.operations import BaseBlockOperation


class MoveCaptionIntoTheTable(BaseBlockOperation):
    def apply(self, block_value):
        value = dict(block_value)
        caption = (value.pop("caption", None) or "").strip()
        if not caption:
            return value
        table = dict(value.get("table") or {})
        own = (table.get("table_caption") or "").strip()
        table["table_caption"] = f"{caption} {own}" if own and own != caption else caption
        value["table"] = table
        return value

    @property
    def operation_name_fragment(self):
        return "move_table_caption"


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0010_blocks_compared_as_written'),
    ]

    operations = [
        migrations.AlterField(
            model_name='articlepage',
            name='body',
            field=wagtail.fields.StreamField([('heading', 2), ('paragraph', 3), ('image', 7), ('quote', 10), ('table', 12), ('video', 16), ('attachment', 19)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'label': '小标题', 'max_length': 200}), 1: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('h2', '二级标题'), ('h3', '三级标题'), ('h4', '四级标题')], 'label': '级别'}), 2: ('wagtail.blocks.StructBlock', [[('text', 0), ('level', 1)]], {}), 3: ('home.blocks.ParagraphBlock', (), {}), 4: ('wagtail.images.blocks.ImageChooserBlock', (), {'label': '图片'}), 5: ('wagtail.blocks.CharBlock', (), {'label': '图片说明', 'max_length': 250, 'required': False}), 6: ('wagtail.blocks.CharBlock', (), {'help_text': '供读屏软件朗读；留空时使用图片说明或图片标题', 'label': '替代文字', 'max_length': 250, 'required': False}), 7: ('wagtail.blocks.StructBlock', [[('image', 4), ('caption', 5), ('alt_text', 6)]], {}), 8: ('wagtail.blocks.TextBlock', (), {'label': '引文'}), 9: ('wagtail.blocks.CharBlock', (), {'label': '出处', 'max_length': 200, 'required': False}), 10: ('wagtail.blocks.StructBlock', [[('text', 8), ('attribution', 9)]], {}), 11: ('home.blocks.PortalTableBlock', (), {'label': '表格'}), 12: ('wagtail.blocks.StructBlock', [[('table', 11)]], {}), 13: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'help_text': '上传的 mp4 / webm 文件', 'label': '视频文件', 'required': False}), 14: ('home.blocks.AddressEmbedBlock', (), {'label': '外部视频地址', 'required': False}), 15: ('wagtail.blocks.CharBlock', (), {'label': '视频说明', 'max_length': 250, 'required': False}), 16: ('wagtail.blocks.StructBlock', [[('file', 13), ('embed', 14), ('caption', 15)]], {}), 17: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'label': '附件'}), 18: ('wagtail.blocks.CharBlock', (), {'help_text': '留空时使用文档标题', 'label': '显示名称', 'max_length': 200, 'required': False}), 19: ('wagtail.blocks.StructBlock', [[('document', 17), ('title', 18)]], {})}, verbose_name='正文'),
        ),
        MigrateStreamData(
            app_name="articles",
            model_name="ArticlePage",
            field_name="body",
            operations_and_block_paths=[(MoveCaptionIntoTheTable(), "table")],
        ),
    ]
