"""A pandas frame shown as a plain HTML table in the notebook (and so in audit.html).

pandas' Styler wrote an id and a CSS rule for every cell (~700 KB of HTML for one unit's notebook)
and took ~0.15 CPU-s a unit to do it; this writes one class per aligned cell and one small style
block per table. Every value and header is HTML-escaped (document text never becomes markup), blanks
show blank, numbers right-aligned in one thousands style, short text kept on one line.
"""

from __future__ import annotations

import html
import math
from typing import Callable

import pandas as pd

from juesuan.present import labels

# Columns that hold identifiers, not quantities: they stay left-aligned and ungrouped.
ID_COLUMNS = ("科目代码", "行次", "规则", "编号", "章节", "年度", "页数")
SHORT_TEXT = 10  # characters: a text column no longer than this stays on one line

STYLE = ("<style>table.juesuan-frame th{text-align:left;white-space:nowrap}"
         "table.juesuan-frame td{vertical-align:top;text-align:left}"
         "table.juesuan-frame td.num{text-align:right;white-space:nowrap}"
         "table.juesuan-frame td.short{white-space:nowrap}"
         "table.juesuan-frame td.wide{min-width:8em}</style>")


def _blank(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _text(value) -> str:
    return "" if _blank(value) else str(value)


class Shown:
    """``frame`` for display: ``_repr_html_`` for the notebook, ``data`` the frame itself."""

    def __init__(self, frame: pd.DataFrame, caption: str | None = None):
        self.data = frame
        self.caption = caption
        self.numeric = [c for c in labels.numeric_columns(frame) if c not in ID_COLUMNS]
        text = [c for c in frame.columns if c not in self.numeric]
        self.short = {c for c in text if len(frame) and max(len(_text(v)) for v in frame[c].tolist()) <= SHORT_TEXT}
        self._markup: dict[str, Callable[[object], str]] = {}

    def with_markup(self, column: str, render: Callable[[object], str]) -> "Shown":
        """Cells of ``column`` written by ``render`` as markup (it must escape what it takes in)."""
        self._markup[column] = render
        return self

    def _cell(self, column, value) -> tuple[str, str]:
        """(class, inner HTML) of one cell."""
        if column in self._markup and not _blank(value):
            return "", self._markup[column](value)
        if column in self.numeric:
            return "num", html.escape(labels.thousands(_text(value)))
        return ("short" if column in self.short else "wide"), html.escape(_text(value))

    def to_html(self) -> str:
        columns = list(self.data.columns)
        parts = [STYLE, '<table class="juesuan-frame">']
        if self.caption:
            parts.append(f"<caption>{html.escape(self.caption)}</caption>")
        parts.append("<thead><tr>" + "".join(f"<th>{html.escape(str(c))}</th>" for c in columns) + "</tr></thead><tbody>")
        for record in self.data.itertuples(index=False, name=None):
            cells = []
            for column, value in zip(columns, record):
                kind, inner = self._cell(column, value)
                cells.append(f'<td class="{kind}">{inner}</td>' if kind else f"<td>{inner}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</tbody></table>")
        return "".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:  # text/plain, beside the HTML: one line (the frame is in .data)
        return f"<{self.caption or '表格'}：{len(self.data)} 行 × {len(self.data.columns)} 列>"
