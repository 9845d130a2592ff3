"""Turn an imported article body (HTML or plain text) into StreamField blocks."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, NavigableString, Tag
from django.utils.html import escape
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

from home.blocks import RICH_TEXT_FEATURES, TABLE_CAPTION_MAX
from home.text import shows_anything

HTML_TAG = re.compile(r"<\s*[a-zA-Z][a-zA-Z0-9]*(\s[^>]*)?/?>")
BLANK_LINE = re.compile(r"\n\s*\n")
NOT_SHOWN = ["script", "style", "noscript", "iframe", "template", "head", "title"]
CONTAINERS = {"div", "section", "article", "main", "body", "html", "center", "span", "font"}
HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}

# Resolves an <img src> to an image, or returns None with a reason when it can't be read.
ImageResolver = Callable[[str, str], "tuple[object | None, str]"]

# What the blocks' fields hold (home.blocks). Longer text is kept whole in a paragraph, with a
# warning, never cut.
HEADING_MAX = 200
CAPTION_MAX = 250
CENTRED = re.compile(r"text-align\s*:\s*center", re.IGNORECASE)
CAPTION_OPENINGS = ("图为", "图：", "图:", "（图", "(图")


@dataclass
class BodyConversion:
    blocks: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _block(block_type: str, value) -> dict:
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


class _Builder:
    def __init__(self, resolve_image: ImageResolver | None):
        self.result = BodyConversion()
        self.rich: list[str] = []
        self.resolve_image = resolve_image
        self.converter = EditorHTMLConverter(features=RICH_TEXT_FEATURES)
        self.images: list[tuple[dict, str]] = []  # (image block value, its src)

    def flush(self) -> None:
        html = "".join(self.rich).strip()
        self.rich = []
        if html:
            cleaned = self.converter.to_database_format(html)
            if BeautifulSoup(cleaned, "html.parser").get_text(strip=True):
                self.result.blocks.append(_block("paragraph", cleaned))

    def _paragraph(self, text: str) -> dict:
        return _block("paragraph", f"<p>{escape(text)}</p>")

    def add_heading(self, text: str, level: str) -> None:
        text = " ".join(text.split())
        if text:
            self.flush()
            if len(text) > HEADING_MAX:
                self.result.warnings.append(
                    f"小标题超过 {HEADING_MAX} 字（{len(text)} 字），"
                    f"已作为正文段落导入：{text[:20]}…"
                )
                self.result.blocks.append(self._paragraph(text))
                return
            self.result.blocks.append(_block("heading", {"text": text, "level": level}))

    def add_image(self, img: Tag, caption: str = "") -> None:
        src = (img.get("src") or "").strip()
        alt = (img.get("alt") or "").strip()
        alt = alt if shows_anything(alt) else ""  # alt="&#8203;" is no 替代文字
        if not src:
            return
        if self.resolve_image is None:
            self.result.warnings.append(f"图片未导入（未提供图片目录）：{src}")
            return
        image, reason = self.resolve_image(src, alt or caption)
        if image is None:
            self.result.warnings.append(f"图片无法读取，已跳过：{src}（{reason}）")
            return
        self.flush()
        long_caption = len(caption) > CAPTION_MAX
        if long_caption:
            self.result.warnings.append(
                f"图片说明超过 {CAPTION_MAX} 字（{len(caption)} 字），已作为图片下方的段落导入"
            )
        if len(alt) > CAPTION_MAX:
            self.result.warnings.append(
                f"图片替代文字超过 {CAPTION_MAX} 字（{len(alt)} 字），只保留前 {CAPTION_MAX} 字"
            )
        value = {
            "image": image.pk,
            "caption": "" if long_caption else caption,
            "alt_text": alt[:CAPTION_MAX],  # read aloud in place of the image, not shown
        }
        self.result.blocks.append(_block("image", value))
        self.images.append((value, src))
        if long_caption:
            self.result.blocks.append(self._paragraph(caption))

    def add_quote(self, node: Tag) -> None:
        text = node.get_text("\n", strip=True)
        if text:
            self.flush()
            self.result.blocks.append(_block("quote", {"text": text, "attribution": ""}))

    def add_table(self, node: Tag) -> None:
        rows = [
            [cell.get_text(" ", strip=True) for cell in tr.find_all(["td", "th"])]
            for tr in node.find_all("tr")
        ]
        rows = [row for row in rows if row]
        if not rows:
            return
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        caption = node.find("caption")
        caption = caption.get_text(" ", strip=True) if caption else ""
        self.flush()
        if len(caption) > TABLE_CAPTION_MAX:
            self.result.warnings.append(
                f"表格标题超过 {TABLE_CAPTION_MAX} 字（{len(caption)} 字），"
                "已作为表格上方的段落导入"
            )
            self.result.blocks.append(self._paragraph(caption))
            caption = ""
        self.result.blocks.append(
            _block(
                "table",
                {
                    "table": {
                        "data": rows,
                        "first_row_is_table_header": bool(node.find("th")),
                        "first_col_is_header": False,
                        "table_caption": caption,
                    },
                },
            )
        )

    def walk(self, nodes) -> None:
        for node in nodes:
            if isinstance(node, NavigableString):
                if node.strip() and type(node) is NavigableString:
                    self.rich.append(f"<p>{_escape(node.strip())}</p>")
                continue
            if not isinstance(node, Tag):
                continue
            name = node.name.lower()
            if name in HEADINGS:
                self.add_heading(node.get_text(" ", strip=True), HEADINGS[name])
            elif name == "img":
                self.add_image(node)
            elif name == "figure":
                caption_tag = node.find("figcaption")
                caption = caption_tag.get_text(" ", strip=True) if caption_tag else ""
                for img in node.find_all("img"):
                    self.add_image(img, caption)
            elif name == "blockquote":
                self.add_quote(node)
            elif name == "table":
                self.add_table(node)
            elif name == "p" and self.caption_for_last_image(node):
                continue
            elif name in CONTAINERS or (name == "p" and node.find(["img", *HEADINGS])):
                # Unwrap layout containers (and paragraphs holding images or headings) so the
                # blocks inside them become blocks of their own.
                if name == "p":
                    self.walk_paragraph_with_media(node)
                else:
                    self.walk(node.children)
            else:
                self.rich.append(str(node))

    def caption_for_last_image(self, node: Tag) -> bool:
        """A short centred paragraph right after an image, or one starting 图为, is its
        caption: the portal's pages (and many CMS exports) write captions so, and they came
        in as an indented body paragraph, the image left without a caption."""
        if self.rich or not self.result.blocks or node.find(["img", *HEADINGS]):
            return False
        last = self.result.blocks[-1]
        if last["type"] != "image" or last["value"]["caption"]:
            return False
        text = node.get_text(" ", strip=True)
        if not text or len(text) > CAPTION_MAX:
            return False
        centred = "center" in (node.get("align") or "").lower() or bool(
            CENTRED.search(node.get("style") or "")
        )
        if not (centred or text.startswith(CAPTION_OPENINGS)):
            return False
        last["value"]["caption"] = text
        return True

    def warn_of_images_without_words(self) -> None:
        for value, src in self.images:
            if not value["alt_text"] and not value["caption"]:
                self.result.warnings.append(
                    f"图片没有替代文字（alt）或图片说明，读屏软件只能读出图片标题：{src}"
                    "（在编辑页补上替代文字后才能再保存）"
                )

    def walk_paragraph_with_media(self, node: Tag) -> None:
        text_parts: list[str] = []
        for child in node.children:
            if isinstance(child, Tag) and child.name == "img":
                if "".join(text_parts).strip():
                    self.rich.append(f"<p>{''.join(text_parts)}</p>")
                text_parts = []
                self.add_image(child)
            elif isinstance(child, Tag) and child.name in HEADINGS:
                self.add_heading(child.get_text(" ", strip=True), HEADINGS[child.name])
            elif isinstance(child, NavigableString):
                text_parts.append(_escape(str(child)))
            else:
                text_parts.append(str(child))
        if "".join(text_parts).strip():
            self.rich.append(f"<p>{''.join(text_parts)}</p>")


def body_to_blocks(body: str, resolve_image: ImageResolver | None = None) -> BodyConversion:
    """HTML bodies keep their structure; plain text becomes one paragraph per blank-line run."""
    body = body.strip()
    builder = _Builder(resolve_image)
    if not body:
        return builder.result
    if HTML_TAG.search(body):
        soup = BeautifulSoup(body, "html.parser")
        # What a browser never shows, at any depth (inside <p> or <head> too): its text would
        # become article text, shown to readers and searchable (tracker code, CSS rules).
        for hidden in soup.find_all(NOT_SHOWN):
            hidden.decompose()
        builder.walk(soup.children)
    else:
        # Plain text written out of an HTML page still carries its entities (AT&amp;T,
        # &nbsp;): decoded, so that readers see AT&T, not the entity.
        for para in BLANK_LINE.split(html.unescape(body)):
            lines = [line.strip() for line in para.splitlines() if line.strip()]
            if lines:
                escaped = "<br/>".join(_escape(line) for line in lines)
                builder.rich.append(f"<p>{escaped}</p>")
    builder.flush()
    builder.warn_of_images_without_words()
    return builder.result


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
