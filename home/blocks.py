"""The shared block library: every StreamField on every site is built from these."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from .compare import ChoiceComparison, EmbedComparison, TableComparison
from .text import shows_anything

RICH_TEXT_FEATURES = [
    "bold", "italic", "link", "document-link", "ol", "ul", "hr", "superscript", "subscript",
    "strikethrough",
]  # fmt: skip


# Wagtail's blocks, compared in 历史 → 比较 as the editor wrote them (home.compare).


class LabelledChoiceBlock(blocks.ChoiceBlock):
    def get_comparison_class(self):
        return ChoiceComparison


class AddressEmbedBlock(EmbedBlock):
    def get_comparison_class(self):
        return EmbedComparison


# The table's caption (表格标题): what the <caption> above it holds, and its accessible name.
TABLE_CAPTION_MAX = 200


class PortalTableBlock(TableBlock):
    def get_default(self):
        # A new table starts with its first row as the header, as nearly every table in an
        # article has, instead of 表头 at "选择表头选项", which publishing refuses. A new
        # dict each time: clean() writes into the value it is given.
        return {
            "table_header_choice": "row",
            "first_row_is_table_header": True,
            "first_col_is_header": False,
        }

    def clean(self, value):
        if value and not value.get("table_header_choice") and not self.is_deferred_validation:
            # Wagtail refuses it as "Validation error in TableBlock": English, and a literal
            # string no catalogue can translate. (A draft is saved without a choice.)
            raise ValidationError(
                _("请在“表头”中选择哪些单元格显示为表头；不需要表头时请选择“无表头”。")
            )
        value = super().clean(value)
        caption = (value or {}).get("table_caption") or ""
        if len(caption) > TABLE_CAPTION_MAX:
            raise ValidationError(
                _("表格标题不能超过 %(max)d 字（现有 %(length)d 字）")
                % {"max": TABLE_CAPTION_MAX, "length": len(caption)}
            )
        return value

    def get_comparison_class(self):
        return TableComparison


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("小标题"), max_length=200)
    level = LabelledChoiceBlock(
        label=_("级别"),
        choices=[("h2", _("二级标题")), ("h3", _("三级标题")), ("h4", _("四级标题"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        label = _("小标题")
        description = _("正文中的小标题，显示为文章内的分节标题")
        preview_value = {"text": "守好“红色根脉” 筑牢信念之魂", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "blocks/paragraph_block.html"
        label = _("段落")
        description = _("正文段落，可含加粗、链接、列表")
        preview_value = (
            "<p>学校党委始终坚持以政治建设为统领，凝聚起推动学校事业发展的磅礴力量。</p>"
        )


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("图片"))
    caption = blocks.CharBlock(label=_("图片说明"), required=False, max_length=250)
    alt_text = blocks.CharBlock(
        label=_("替代文字"),
        required=False,
        max_length=250,
        help_text=_("供读屏软件朗读；留空时使用图片说明或图片标题"),
    )

    def clean(self, value):
        value = super().clean(value)
        if not shows_anything(value.get("alt_text")):
            value["alt_text"] = ""  # a zero-width space read aloud as nothing, shown as alt
        # Accessibility (GB/T 37668, WCAG 1.1.1): every body image says what it shows.
        if not value["alt_text"] and not shows_anything(value.get("caption")):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "alt_text": ValidationError(_("请填写替代文字（或图片说明），供读屏软件朗读。"))
                }
            )
        return value

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"
        label = _("图片")
        description = _("带说明的正文图片")
        preview_value = {"caption": "图为学校党史学习教育现场"}


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("引文"))
    attribution = blocks.CharBlock(label=_("出处"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        label = _("引用")
        description = _("引用一段话，并注明出处")
        preview_value = {"text": "赓续红色血脉 传承红色基因", "attribution": "习近平"}


class DataTableBlock(blocks.StructBlock):
    # One 表格标题, the table editor's own (its <caption>, named for screen readers): Wagtail's
    # editor always shows it, so this block's second one, under the same label, went
    # (migration articles.0011 moved what it held into the table's).
    table = PortalTableBlock(label=_("表格"))

    class Meta:
        icon = "table"
        template = "blocks/table_block.html"
        label = _("表格")
        description = _("数据表格，可设表头")
        preview_value = {
            "table": {
                "table_caption": "2021年主要成绩",
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "data": [["项目", "数量"], ["全国性活动", "26"], ["全校性活动", "460"]],
            },
        }


# What browsers play in <video> (the template's source types).
VIDEO_EXTENSIONS = ("mp4", "webm", "ogv", "m4v")


class VideoBlock(blocks.StructBlock):
    """A video: an uploaded file (played with <video>) or an embed from a video site."""

    file = DocumentChooserBlock(
        label=_("视频文件"), required=False, help_text=_("上传的 mp4 / webm 文件")
    )
    embed = AddressEmbedBlock(label=_("外部视频地址"), required=False)
    caption = blocks.CharBlock(label=_("视频说明"), required=False, max_length=250)

    class Meta:
        icon = "media"
        template = "blocks/video_block.html"
        label = _("视频")
        description = _("上传视频文件，或嵌入外部视频")
        preview_value = {"caption": "校园文化建设年活动视频"}

    def clean(self, value):
        value = super().clean(value)
        if not value.get("file") and not value.get("embed"):
            raise blocks.StructBlockValidationError(
                block_errors={"file": ValidationError(_("请上传视频文件或填写外部视频地址"))}
            )
        document = value.get("file")
        if document is not None and document.file_extension.lower() not in VIDEO_EXTENSIONS:
            # A PDF chosen here became <video src="….pdf">: a black box to readers.
            raise blocks.StructBlockValidationError(
                block_errors={
                    "file": ValidationError(
                        _("“%(name)s”不是视频文件：请选择 %(types)s 文件，或改用“附件”")
                        % {"name": document.title, "types": " / ".join(VIDEO_EXTENSIONS)}
                    )
                }
            )
        return value


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("附件"))
    title = blocks.CharBlock(
        label=_("显示名称"), required=False, max_length=200, help_text=_("留空时使用文档标题")
    )

    class Meta:
        icon = "doc-full"
        template = "blocks/attachment_block.html"
        label = _("附件")
        description = _("供读者下载的文件")
        preview_value = {"title": "实施方案.pdf"}


class BodyStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    quote = QuoteBlock()
    table = DataTableBlock()
    video = VideoBlock()
    attachment = AttachmentBlock()


class FooterLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("名称"), max_length=60)
    url = blocks.URLBlock(label=_("链接"))

    class Meta:
        icon = "link"
        template = "blocks/footer_link_block.html"
        label = _("链接")
        description = _("页脚中的友情链接")
        preview_value = {"title": "中华人民共和国教育部", "url": "http://www.moe.gov.cn/"}
