"""Render the text form of a disclosure into a PDF that reads like a real one.

Layout: A4 portrait pages for the cover, contents, overview, narrative and glossary; A4 landscape
pages for each table, with its title, 公开0X表 label, 部门名称, year and 金额单位 lines printed as text
above a ruled grid (so tabula's lattice mode reads it) and its notes below. A blank line inside a
table's grid in the text is a page break of the original, and stays one here. Narrative digits
sit on a slightly lower baseline, as they do in real documents (another font in the original).
The annex may hold several grids (one 绩效自评表 per project); each is drawn on its own page.

Variants for tests (see :func:`apply_variant`):

- ``split_repeat_header``: table 02 runs over two pages and the header rows are repeated;
- ``split_no_header``: table 02 runs over two pages without a repeated header;
- ``no_rules``: table 05 is printed without ruling lines;
- ``yuan``: table 02 is printed in 元 with thousands separators.

Used by ``tools/make_sample_pdf.py`` (the seed) and :mod:`juesuan_dev.synth` (generated documents).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

import juesuan
from juesuan.catalog import identify_table
from juesuan.core.normalize import compact
from juesuan.extract.structure import PART_HEADING, SECTION_HEADING, part_kind

# The OFL font the package ships for its charts: one copy in the repository.
FONT_PATH = Path(juesuan.__file__).resolve().parent / "fonts" / "NotoSansSC-Regular-subset.ttf"
FONT = "NotoSansSC"
VARIANTS = ("split_repeat_header", "split_no_header", "no_rules", "yuan")

MARGIN = 50.0
BODY_SIZE = 10.5
BODY_LEADING = 18.0
META_SIZE = 9.0
META_LEADING = 15.0
CELL_SIZE = 7.0
CELL_PAD = 3.0
DIGIT_RISE = -1.6  # narrative digits sit lower than the Chinese text


# --- the seed as blocks --------------------------------------------------------------------------


@dataclass
class Flow:
    """Portrait text: each entry one line of the seed (a heading or a paragraph)."""

    lines: list[str]
    new_page: bool = True


@dataclass
class Grid:
    rows: list[list[str]]
    breaks: set[int] = field(default_factory=set)  # page break before these row indices
    ruled: bool = True
    repeat_header: int = 0  # header rows printed again on a continuation page
    merge_spans: bool = False  # let long text run into the empty cells after it (the annex)


@dataclass
class TableBlock:
    """A landscape table: lines above the grid, the grid, lines below it."""

    before: list[str]
    grid: Grid
    after: list[str]
    table_id: str | None = None


def parse_text(text: str) -> list[Flow | TableBlock]:
    """Split the text form of a disclosure into portrait flows and landscape tables."""
    lines = text.splitlines()
    toc = next(i for i, line in enumerate(lines) if compact(line) == "目录")
    body_start = _body_start(lines, toc)
    blocks: list[Flow | TableBlock] = [Flow([line for line in lines[:toc] if line.strip()]),
                                       Flow([line for line in lines[toc:body_start] if line.strip()])]
    part = "overview"
    i = body_start
    flow: Flow | None = None
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if part == "annex" and "\t" in line:  # a further grid of the annex (one per project)
            block, i = _read_table(lines, i, None, titled=False)
            blocks.append(block)
            flow = None
            continue
        if "\t" not in line and PART_HEADING.match(compact(line)):
            part = part_kind(line) or part
            if part == "annex" and any("\t" in rest for rest in lines[i + 1:]):
                block, i = _read_table(lines, i, None)
                blocks.append(block)
                flow = None
                continue
            flow = Flow([line])
            blocks.append(flow)
            i += 1
            continue
        spec = identify_table(line) if "\t" not in line and part in ("overview", "tables") else None
        if spec is not None:
            part = "tables"
            block, i = _read_table(lines, i, spec.id)
            blocks.append(block)
            flow = None
            continue
        if flow is None:
            flow = Flow([])
            blocks.append(flow)
        flow.lines.append(line)
        i += 1
    return blocks


def _body_start(lines: list[str], toc: int) -> int:
    first = None
    for i in range(toc + 1, len(lines)):
        head = lines[i].split("\t")[0]
        if PART_HEADING.match(compact(head)):
            if first is None:
                first = compact(head)
            elif compact(head) == first and "\t" not in lines[i]:
                return i
    raise ValueError("seed text: no body after the table of contents")


def _read_table(lines: list[str], i: int, table_id: str | None, titled: bool = True) -> tuple[TableBlock, int]:
    before = [lines[i]] if titled else []
    if titled:
        i += 1
    while i < len(lines) and "\t" not in lines[i]:
        if lines[i].strip():
            before.append(lines[i])
        i += 1
    grid = Grid(rows=[], merge_spans=table_id is None)
    pending_break = False
    while i < len(lines) and ("\t" in lines[i] or not lines[i].strip()):
        if "\t" in lines[i]:
            if pending_break and grid.rows:
                grid.breaks.add(len(grid.rows))
            grid.rows.append(lines[i].split("\t"))
            pending_break = False
        else:
            pending_break = True
        i += 1
    width = max(len(r) for r in grid.rows)
    grid.rows = [r + [""] * (width - len(r)) for r in grid.rows]
    after: list[str] = []
    while i < len(lines):
        line = lines[i]
        if line.strip() and ("\t" in line or PART_HEADING.match(compact(line)) or identify_table(line)):
            break
        if line.strip():
            after.append(line)
        i += 1
    return TableBlock(before=before, grid=grid, after=after, table_id=table_id), i


# --- variants ------------------------------------------------------------------------------------


def _header_rows(rows: list[list[str]]) -> int:
    """Rows up to and including 栏次, or up to the first data row."""
    for n, row in enumerate(rows):
        first = compact(row[0])
        if first == "栏次":
            return n + 1
        if first in ("合计", "总计") or re.fullmatch(r"\d{3,7}", first) or first.startswith("一、"):
            return n
    return min(2, len(rows))


def _table(blocks: list, table_id: str) -> TableBlock:
    return next(b for b in blocks if isinstance(b, TableBlock) and b.table_id == table_id)


def apply_variant(blocks: list, variant: str) -> list:
    """A copy of the blocks with one table changed as the variant says."""
    blocks = copy.deepcopy(blocks)
    if variant in ("split_repeat_header", "split_no_header"):
        grid = _table(blocks, "02").grid
        header = _header_rows(grid.rows)
        grid.breaks = {header + (len(grid.rows) - header) // 2}
        grid.repeat_header = header if variant == "split_repeat_header" else 0
    elif variant == "no_rules":
        _table(blocks, "05").grid.ruled = False
    elif variant == "yuan":
        block = _table(blocks, "02")
        block.before = [re.sub(r"(单位\s*[:：]\s*)万元", r"\1元", line) for line in block.before]
        header = _header_rows(block.grid.rows)
        for row in block.grid.rows[header:]:
            for j, cell in enumerate(row):
                if j >= 2 and re.fullmatch(r"-?\d+(\.\d+)?", cell.strip()):
                    row[j] = f"{Decimal(cell.strip()) * 10000:,.2f}"
    else:
        raise ValueError(f"unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    return blocks


# --- rendering -----------------------------------------------------------------------------------


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH)))


def _width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


_TOKENS = re.compile(r"[0-9A-Za-z.,%]+|\s+|.")


def wrap(text: str, size: float, width: float) -> list[str]:
    """Wrap CJK text character by character, never inside a number."""
    out: list[str] = []
    current = ""
    for token in _TOKENS.findall(text):
        if current and _width(current + token, size) > width:
            out.append(current.rstrip())
            current = token.lstrip()
        else:
            current += token
    if current.strip() or not out:
        out.append(current.rstrip())
    return out


class Renderer:
    def __init__(self, path: Path, title: str = "", author: str = "juesuan_dev.render_pdf"):
        _register_font()
        self.c = canvas.Canvas(str(path), pagesize=A4, pageCompression=1, invariant=1)
        self.c.setTitle(title)
        self.c.setAuthor(author)
        self.page = 0
        self.size = A4
        self.y = 0.0
        self.started = False

    # pages
    def new_page(self, size) -> None:
        if self.started:
            self._footer()
            self.c.showPage()
        self.started = True
        self.page += 1
        self.size = size
        self.c.setPageSize(size)
        self.y = size[1] - MARGIN

    def _footer(self) -> None:
        self.c.setFont(FONT, 9)
        self.c.drawCentredString(self.size[0] / 2, 25, f"- {self.page} -")

    def finish(self) -> None:
        self._footer()
        self.c.showPage()
        self.c.save()

    # text
    def text_line(self, text: str, size: float, x: float, *, centred: bool = False, right: bool = False,
                  rise_digits: bool = False) -> None:
        if centred:
            x = (self.size[0] - _width(text, size)) / 2
        elif right:
            x = x - _width(text, size)
        t = self.c.beginText(x, self.y)
        t.setFont(FONT, size)
        for run in re.findall(r"[0-9.%]+|[^0-9.%]+", text):
            t.setRise(DIGIT_RISE if rise_digits and run[0] in "0123456789.%" else 0)
            t.textOut(run)
        self.c.drawText(t)

    def need(self, height: float, size) -> None:
        if not self.started or self.y - height < MARGIN:
            self.new_page(size)

    def flow(self, block: Flow, cover: bool = False) -> None:
        if block.new_page or not self.started:
            self.new_page(A4)
        width = A4[0] - 2 * MARGIN
        if cover:
            self.y = A4[1] * 0.62
            for line in block.lines:
                self.text_line(line.strip(), 22, 0, centred=True)
                self.y -= 40
            return
        for line in block.lines:
            text = line.strip()
            if "\t" in line:  # contents: entry and page number
                entry, number = line.rsplit("\t", 1)
                self.need(BODY_LEADING, A4)
                self.text_line(entry.strip(), BODY_SIZE, MARGIN)
                self.text_line(number.strip(), BODY_SIZE, A4[0] - MARGIN, right=True)
                self.y -= BODY_LEADING
                continue
            c = compact(text)
            if c == "目录" or PART_HEADING.match(c):
                self.need(40, A4)
                self.y -= 6
                self.text_line(text, 16, 0, centred=True)
                self.y -= 34
                continue
            heading = SECTION_HEADING.match(text) and len(text) < 40
            size = 12 if heading else BODY_SIZE
            for part in wrap(text, size, width):
                self.need(BODY_LEADING, A4)
                self.text_line(part, size, MARGIN, rise_digits=not heading)
                self.y -= BODY_LEADING
            self.y -= 4

    def table(self, block: TableBlock) -> None:
        size = landscape(A4)
        self.new_page(size)
        width = size[0] - 2 * MARGIN
        for n, line in enumerate(block.before):
            text = line.strip()
            if n == 0 and block.table_id is not None:
                self.text_line(text, 15, 0, centred=True)
                self.y -= 24
            else:
                self.text_line(text, META_SIZE, MARGIN)
                self.y -= META_LEADING
        self.y -= 4
        self.grid(block.grid, width)
        self.y -= 10
        for line in block.after:
            for part in wrap(line.strip(), META_SIZE, width):
                self.need(META_LEADING, size)
                self.text_line(part, META_SIZE, MARGIN)
                self.y -= META_LEADING

    def grid(self, grid: Grid, width: float) -> None:
        ncols = len(grid.rows[0])
        font = CELL_SIZE
        if grid.merge_spans:
            widths = [width / ncols] * ncols
        else:
            while True:
                widths = [max(_width(r[j].strip(), font) for r in grid.rows) + 2 * CELL_PAD + 2 for j in range(ncols)]
                widths = [max(w, 22.0) for w in widths]
                if sum(widths) <= width or font <= 5:
                    break
                font -= 0.5
            if sum(widths) > width:
                scale = width / sum(widths)
                widths = [w * scale for w in widths]
        x0 = MARGIN + max(0.0, (width - sum(widths)) / 2)
        edges = [x0]
        for w in widths:
            edges.append(edges[-1] + w)
        line_h = font + 3
        laid = [self._lay_row(row, widths, font, grid.merge_spans) for row in grid.rows]
        header = grid.rows[: grid.repeat_header]
        page_top = True
        for index, (spans, lines_in_row) in enumerate(laid):
            height = lines_in_row * line_h + 4
            if (index in grid.breaks and index > 0) or self.y - height < MARGIN:
                self.new_page(self.size)
                page_top = True
                if grid.repeat_header:
                    for h in range(len(header)):
                        hs, hl = laid[h]
                        self._draw_row(hs, edges, hl * line_h + 4, font, line_h, grid.ruled, True)
            self._draw_row(spans, edges, height, font, line_h, grid.ruled, page_top)
            page_top = False

    def _lay_row(self, row: list[str], widths: list[float], font: float, merge: bool):
        """Cells as spans (start, stop, lines); long text runs into the empty cells after it when allowed."""
        spans = []
        j = 0
        n = len(row)
        tallest = 1
        while j < n:
            text = row[j].strip()
            stop = j + 1
            if merge and text:
                while stop < n and not row[stop].strip() and sum(widths[j:stop]) - 2 * CELL_PAD < _width(text, font):
                    stop += 1
            lines = wrap(text, font, sum(widths[j:stop]) - 2 * CELL_PAD) if text else [""]
            tallest = max(tallest, len(lines))
            spans.append((j, stop, lines))
            j = stop
        return spans, tallest

    def _draw_row(self, spans, edges, height, font, line_h, ruled, top_rule) -> None:
        c = self.c
        top, bottom = self.y, self.y - height
        if ruled:
            c.setLineWidth(0.6)
            if top_rule:
                c.line(edges[0], top, edges[-1], top)
            c.line(edges[0], bottom, edges[-1], bottom)
            for start, _stop, _lines in spans:
                c.line(edges[start], top, edges[start], bottom)
            c.line(edges[-1], top, edges[-1], bottom)
        for start, stop, lines in spans:
            left, right = edges[start], edges[stop]
            block_h = len(lines) * line_h
            y = top - (height - block_h) / 2 - font
            numeric = len(lines) == 1 and re.fullmatch(r"-?[\d,]+\.\d+", lines[0])
            for text in lines:
                c.setFont(FONT, font)
                if numeric:
                    c.drawRightString(right - CELL_PAD, y, text)
                else:
                    c.drawString(left + CELL_PAD, y, text)
                y -= line_h
        self.y = bottom


def render(blocks: list, out: Path, title: str = "", author: str = "juesuan_dev.render_pdf") -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    r = Renderer(out, title, author)
    for n, block in enumerate(blocks):
        if isinstance(block, TableBlock):
            r.table(block)
        else:
            r.flow(block, cover=n == 0)
    r.finish()
    return out


def document_title(text: str) -> str:
    """The cover's title lines joined (unit name and 20XX年度…决算公开), for the PDF metadata."""
    lines = []
    for line in text.splitlines():
        if compact(line) in ("目录",):
            break
        if line.strip():
            lines.append(line.strip())
    return "".join(lines[:3])


def render_text_to_pdf(text: str, out: Path, *, variant: str | None = None, title: str | None = None,
                       author: str = "juesuan_dev.render_pdf") -> Path:
    """Render the text form of a disclosure (the seed's format) to a PDF at ``out``; returns the path."""
    blocks = parse_text(text)
    if variant:
        blocks = apply_variant(blocks, variant)
    return render(blocks, out, document_title(text) if title is None else title, author)
