"""Pandas frames as plain HTML tables: report.html's evidence grids and the notebook's displays.

One classification for both: blanks blank, numbers right-aligned in one thousands style, rule ids in
small print, short text on one line, sentences wide enough to read. Every value and header is
HTML-escaped (document text never becomes markup). pandas' Styler, which the notebook used before,
wrote an id and a CSS rule for every cell (~700 KB of HTML for one unit) and took ~0.15 CPU-s a unit.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Callable

from juesuan.present import labels

# Columns that hold identifiers, not quantities: in the notebook they stay left-aligned and ungrouped.
ID_COLUMNS = ("科目代码", "行次", "规则", "编号", "章节", "年度", "页数")

# The notebook's style for the classes :meth:`Grid.cell_class` gives (report.html has its own sheet).
STYLE = ("<style>table.juesuan-frame th{text-align:left;white-space:nowrap}"
         "table.juesuan-frame td{vertical-align:top;text-align:left}"
         "table.juesuan-frame td.num{text-align:right;white-space:nowrap}"
         "table.juesuan-frame td.nw{white-space:nowrap}"
         "table.juesuan-frame td.mid{min-width:8em}table.juesuan-frame td.long{min-width:16em}"
         "table.juesuan-frame td.id{font-family:monospace}</style>")


def blank(value) -> bool:
    """None, NaN, pd.NA and NaT: shown as an empty cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


@dataclass
class Grid:
    """A table as text: header, rows of cells, which columns are numbers, a row class."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: set[int]
    row_classes: list[str] = field(default_factory=list)
    ids: set[int] = field(default_factory=set)  # columns of rule ids: small print
    short: set[int] = field(default_factory=set)  # short text columns: kept on one line
    long: set[int] = field(default_factory=set)  # sentences: wide enough never to go one character a line
    mid: set[int] = field(default_factory=set)  # names: a few characters a line at least
    markup: dict[int, Callable[[str], str]] = field(default_factory=dict)  # column -> writes its own (escaped) HTML

    def cell_class(self, index: int) -> str:
        for kind, columns in (("num", self.numeric), ("id", self.ids), ("nw", self.short), ("long", self.long),
                              ("mid", self.mid)):
            if index in columns:
                return kind
        return ""

    def body(self):
        """The rows as escaped HTML (<tr> … </tr>), written here rather than cell by cell in a
        template: a report holds thousands of cells, and Jinja's per-cell tests and escaping cost
        ~0.1 CPU-s a unit."""
        from markupsafe import Markup

        opens = [f'<td class="{k}">' if k else "<td>" for k in map(self.cell_class, range(len(self.columns)))]
        lines = []
        for index, row in enumerate(self.rows):
            cells = []
            for i, cell in enumerate(row):
                render = self.markup.get(i)
                inner = render(cell) if render and cell else html.escape(str(cell), quote=False)
                cells.append(f"{opens[i] if i < len(opens) else '<td>'}{inner}</td>")
            kind = self.row_classes[index] if index < len(self.row_classes) else ""
            row_html = "".join(cells)
            lines.append(f'<tr class="{html.escape(kind)}">{row_html}</tr>' if kind else f"<tr>{row_html}</tr>")
        return Markup("\n".join(lines))


def grid(frame, caption: str = "", *, text_columns: tuple[str, ...] = (), row_classes: list[str] | None = None) -> Grid:
    """A pandas frame as a :class:`Grid`: blanks blank, numbers in one thousands style and right-aligned."""
    columns = [str(c) for c in frame.columns]
    numeric_names = set(labels.numeric_columns(frame)) - set(text_columns)
    numeric = {i for i, c in enumerate(frame.columns) if c in numeric_names}
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for i, value in enumerate(record):
            text = "" if blank(value) else str(value)
            cells.append(labels.thousands(text) if i in numeric else text)
        rows.append(cells)
    ids = {i for i, c in enumerate(columns) if c == "编号"}
    widths = [max([len(r[i]) for r in rows] + [0]) for i in range(len(columns))]
    short = {i for i, w in enumerate(widths) if w <= 10 and i not in numeric}
    long = {i for i, w in enumerate(widths) if w > 30}
    mid = {i for i, w in enumerate(widths) if 10 < w <= 30 and i not in numeric}
    return Grid(caption, columns, rows, numeric, row_classes or [], ids, short, long, mid)


class Shown:
    """``frame`` for display in the notebook: ``_repr_html_`` (a :class:`Grid` under the notebook's
    style), ``data`` the frame itself."""

    def __init__(self, frame, caption: str | None = None):
        self.data = frame
        self.caption = caption
        self._markup: dict[str, Callable[[str], str]] = {}

    def with_markup(self, column: str, render: Callable[[str], str]) -> "Shown":
        """Cells of ``column`` written by ``render`` as markup (it must escape what it takes in)."""
        self._markup[column] = render
        return self

    def to_html(self) -> str:
        g = grid(self.data, self.caption or "", text_columns=ID_COLUMNS)
        g.markup = {i: self._markup[c] for i, c in enumerate(g.columns) if c in self._markup}
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        header = "".join(f"<th>{html.escape(c)}</th>" for c in g.columns)
        return (f'{STYLE}<table class="juesuan-frame">{caption}<thead><tr>{header}</tr></thead>'
                f"<tbody>{g.body()}</tbody></table>")

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:  # text/plain, beside the HTML: one line (the frame is in .data)
        return f"<{self.caption or '表格'}：{len(self.data)} 行 × {len(self.data.columns)} 列>"
