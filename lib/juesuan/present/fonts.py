"""The bundled OFL font (Noto Sans SC), subset to the characters a page uses, as an @font-face rule.

A page that embeds its font renders the same on a server with no CJK font installed (a headless
browser printing to PDF) as on a desktop. Only the characters the page holds are kept, so the
embedded font is tens of kilobytes, not megabytes.
"""

from __future__ import annotations

import base64
import functools
import io
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parents[1] / "fonts"
FAMILY = "JuesuanSC"  # its own name: the embedded subset never stands in for a system font's other glyphs


def bundled_font() -> Path | None:
    fonts = sorted(FONT_DIR.glob("*.ttf")) + sorted(FONT_DIR.glob("*.otf"))
    return fonts[0] if fonts else None


@functools.lru_cache(maxsize=8)
def _subset(path: str, characters: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff"  # zlib-compressed; woff2 would need brotli
    # No OpenType layout: the pages are horizontal simplified Chinese, drawn with each character's
    # default glyph (vertical forms, width variants and other locales' glyphs are never asked for).
    # What goes is the kerning of Latin letter pairs. Keeping GSUB/GPOS doubled the cost of every
    # subset (~0.12 against ~0.06 CPU-s): they are decompiled, closed over and walked for name ids.
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]  # keep the licence and copyright records of the OFL font
    # Glyphs are copied as stored, not decoded and re-encoded to recompute their bounding boxes
    # (unchanged by subsetting): ~0.07 CPU-s a page instead of ~0.2. The font's overall box in
    # `head` stays the full font's, which no renderer uses to lay out text.
    font = TTFont(path, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff"
    font.save(buffer)
    return buffer.getvalue()


def visible_text(page: str) -> str:
    """The characters a reader sees on an HTML page: without its data URIs and tags, entities decoded."""
    import html
    import re

    text = re.sub(r"data:[a-z/+-]+;base64,[A-Za-z0-9+/=]+", "", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def font_face_css(text: str) -> str:
    """An ``@font-face`` rule embedding the bundled font subset to the characters of ``text``
    ('' when no font is bundled)."""
    path = bundled_font()
    if path is None:
        return ""
    characters = "".join(sorted(set(text) | set(" 0123456789.,%-—（）：；，。")))
    data = base64.b64encode(_subset(str(path), characters)).decode("ascii")
    return (f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; font-weight: 400; font-display: block; '
            f'src: url(data:font/woff;base64,{data}) format("woff"); }}')


FONT_STACK = f'"{FAMILY}", "Noto Sans SC", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
