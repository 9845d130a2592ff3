"""The block library's values in 历史 → 比较 (revision comparison) as editors wrote them.

Wagtail compares a block it has no comparison for by the text of its render_basic(), which
for most field blocks is str(value): a 小标题's 级别 was shown as h2, an empty 外部视频地址 as
None and a 表格 as the Python dict it is stored as. The blocks of home.blocks name these
classes in get_comparison_class(), the hook Wagtail's own image blocks use.
"""

from django.utils.choices import flatten_choices
from django.utils.encoding import force_str
from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail.admin.compare import BlockComparison, diff_text


class TextComparison(BlockComparison):
    """A value compared as the words an editor reads for it; nothing for an empty value."""

    def text(self, value) -> str:
        raise NotImplementedError

    def htmlvalue(self, val):
        return escape(self.text(val))

    def htmldiff(self):
        return diff_text(self.text(self.val_a), self.text(self.val_b)).to_html()


class ChoiceComparison(TextComparison):
    """A choice by its label (二级标题), not the value stored (h2)."""

    def text(self, value) -> str:
        if value in (None, ""):
            return ""
        return force_str(dict(flatten_choices(self.block.field.choices)).get(value, value))


class EmbedComparison(TextComparison):
    """An embed by its address. Its HTML is the provider's player, with no text to show (and
    rendering it asked the provider for it on every comparison)."""

    def text(self, value) -> str:
        return value.url if value else ""


# What the 表头 select of Wagtail's table editor offers (its own strings, so the same words).
TABLE_HEADER_CHOICES = {
    "row": _("Display the first row as a header"),
    "column": _("Display the first column as a header"),
    "both": _("Display the first row AND first column as headers"),
    "neither": _("No headers"),
}


class TableComparison(BlockComparison):
    """A table as a table: its caption and cells, each cell compared with the same cell of the
    other version; a changed 表头 choice is named above it."""

    @staticmethod
    def rows(value) -> list[list[str]]:
        return [[force_str(cell or "") for cell in row] for row in (value or {}).get("data") or []]

    @classmethod
    def cell(cls, value, row: int, column: int) -> str:
        rows = cls.rows(value)
        return rows[row][column] if row < len(rows) and column < len(rows[row]) else ""

    @staticmethod
    def caption(value) -> str:
        return force_str((value or {}).get("table_caption") or "")

    @staticmethod
    def header_choice(value) -> str:
        choice = (value or {}).get("table_header_choice") or ""
        return force_str(TABLE_HEADER_CHOICES.get(choice, choice))

    @classmethod
    def table(cls, versions: list, caption, cell_html) -> str:
        """The cells of every version (a row or column only one has is empty in the other),
        header cells as the last version has them; `cell_html(row, column)`."""
        rows = [row for value in versions for row in cls.rows(value)]
        height = max(len(cls.rows(value)) for value in versions)
        width = max((len(row) for row in rows), default=0)
        shown = versions[-1] or {}

        def tag(row: int, column: int) -> str:
            header = (row == 0 and shown.get("first_row_is_table_header")) or (
                column == 0 and shown.get("first_col_is_header")
            )
            return "th" if header else "td"

        body = format_html_join(
            "\n",
            "<tr>{}</tr>",
            (
                (
                    format_html_join(
                        "", "<{0}>{1}</{0}>", ((tag(r, c), cell_html(r, c)) for c in range(width))
                    ),
                )
                for r in range(height)
            ),
        )
        if caption:
            return format_html("<table>\n<caption>{}</caption>\n{}\n</table>", caption, body)
        return format_html("<table>\n{}\n</table>", body)

    def htmlvalue(self, val):
        return self.table([val], self.caption(val), lambda r, c: self.cell(val, r, c))

    def htmldiff(self):
        a, b = self.val_a, self.val_b
        table = self.table(
            [a, b],
            diff_text(self.caption(a), self.caption(b)).to_html(),
            lambda r, c: diff_text(self.cell(a, r, c), self.cell(b, r, c)).to_html(),
        )
        if self.header_choice(a) == self.header_choice(b):
            return table
        choice = diff_text(self.header_choice(a), self.header_choice(b)).to_html()
        return format_html("<p>{}：{}</p>\n{}", _("Table headers"), choice, table)
