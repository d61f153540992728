"""Words and patterns every stage shares: one definition each.

``table_label`` is how a canonical table id reads in Chinese text; ``YEAR`` and ``ORDINAL`` are the
pieces the readers and the claim extractor build their patterns from.
"""

from __future__ import annotations

#: A four-digit year of a disclosure (1990–2099), as printed: "2024年", "2024 年度".
YEAR = r"(?:19|20)\d{2}"
#: Chinese ordinal characters of headings and list items (一、 (二) 第三部分).
ORDINAL_CHARS = "一二三四五六七八九十百零〇"
ORDINAL = f"[{ORDINAL_CHARS}]+"


def table_label(table_id: str | None) -> str:
    """公开05表 for a canonical id; other locations (附件, 封面) read as they are."""
    if not table_id:
        return ""
    return f"公开{table_id}表" if table_id.isdigit() else table_id
