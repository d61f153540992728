"""An ``@font-face`` rule carrying just the characters a page uses, cut from the bundled Noto Sans SC
(SIL Open Font License), as a data URI: the page shows Chinese on a machine without CJK fonts and
still loads nothing from outside."""

from __future__ import annotations

import base64
import io
from pathlib import Path

FONT = Path(__file__).resolve().parents[1] / "fonts" / "NotoSansSC-Regular-subset.ttf"
FAMILY = "juesuan-sans"


def font_face_css(text: str, family: str = FAMILY) -> str:
    """The rule for ``text``'s characters; empty when the font or fontTools is missing."""
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError:  # pragma: no cover - fontTools comes with matplotlib
        return ""
    if not FONT.is_file():
        return ""
    chars = {ch for ch in text if ch.isprintable()} | {chr(c) for c in range(0x20, 0x7F)}
    font = TTFont(str(FONT), lazy=True)
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # keep the copyright and license names
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(ch) for ch in chars])
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'@font-face {{ font-family: "{family}"; font-display: swap; '
            f'src: url(data:font/ttf;base64,{data}) format("truetype"); }}\n')
