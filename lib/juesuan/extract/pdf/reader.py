"""Read a disclosure PDF into the same canonical model the text reader builds.

Two engines, each for what it does best (TOOLING.md):

- pdfium (pypdfium2) reads the text layer: titles, the 公开0X表 label, 部门名称, year and 金额单位
  lines around each grid, the narrative with page numbers. Each character gets the box pdfminer
  (pdfplumber) gives it, several times faster than pdfminer computes it. Lines are grouped with a
  y tolerance, so digits printed on a lower baseline (another font) stay on their line, and wrapped
  lines of one paragraph are joined back by their geometry (never into or out of a grid).
- tabula (lattice mode, through jpype) reads the ruled grids, in one call per document, of the
  pages that draw any lines.

The grids become :class:`~juesuan.extract.rawtable.RawTable` rows, with their page; continuation pages are
merged into the table before only when adjacent and of the same width, a repeated header dropped.
From there on everything is shared with the text reader: :func:`~juesuan.extract.layouts.interpret` maps
each grid by header meaning and :func:`~juesuan.extract.assemble.document_from_parts` builds the
:class:`~juesuan.core.model.Document`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from juesuan.catalog import identify_title
from juesuan.core.exceptions import InputError
from juesuan.core.model import Document, Location
from juesuan.core.normalize import compact
from juesuan.extract.rawtable import RawRow, RawTable, is_meta_line
from juesuan.extract.segment import PartTracker, find_toc, read_cover, refuse_budget
from juesuan.extract.structure import PART_HEADING, Line, part_kind
from juesuan.extract.assemble import FoundTable, LABEL_LINE, document_from_parts, interpret_found, merge_found
from juesuan.extract.pdf.grids import Grid, read_grids
from juesuan.extract.pdf.textlayer import PageText, TextLine, check_file, read_text_layer
from juesuan.core.labels import table_label


log = logging.getLogger(__name__)


_OPENS_HEADING = re.compile(r"^([(（][一二三四五六七八九十]+[)）]|\d{1,2}[、.](?!\d)|[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")


def _in_grid(line: TextLine, grids: list[Grid]) -> bool:
    return any(g.top - 1 <= line.middle <= g.bottom + 1 and line.x0 >= g.left - 2 and line.x1 <= g.right + 2
               for g in grids)


def _margins(pages: list[PageText], grids: list[Grid]) -> dict[int, tuple[float, float]]:
    """Left and right text edges per page width (portrait and landscape pages differ), from the
    text outside the grids."""
    by_width: dict[int, list[TextLine]] = {}
    for page in pages:
        page_grids = [g for g in grids if g.page == page.number]
        by_width.setdefault(round(page.width), []).extend(ln for ln in page.lines if not _in_grid(ln, page_grids))
    out: dict[int, tuple[float, float]] = {}
    for width, lines in by_width.items():
        long = [ln for ln in lines if len(ln.text) >= 12] or lines
        if not long:
            continue
        left = Counter(round(ln.x0) for ln in long).most_common(1)[0][0]
        ends = sorted(ln.x1 for ln in long)
        right = ends[int(0.75 * (len(ends) - 1))]
        out[width] = (float(left), right)
    return out


def _join_wrapped(lines: list[TextLine], margins: tuple[float, float] | None) -> list[TextLine]:
    """Join the visual lines of one paragraph: a line reaching the right edge continues on the next
    line when that one starts at the left edge, close below, and opens no heading."""
    if not margins:
        return lines
    left, right = margins
    out: list[TextLine] = []
    for line in lines:
        if out:
            prev = out[-1]
            # full: the next line's first word would not have fitted after this one (numbers never break)
            word = re.match(r"[0-9A-Za-z.,%]+", line.text)
            need = (len(word.group(0)) * 0.62 * prev.size if word else 0.0) + 1.1 * prev.size
            full = right - prev.x1 < need + 0.5 * prev.size
            if prev.text.endswith(("。", "；", ";")):
                full = False  # a line ending a sentence is taken to end its paragraph
            at_left = abs(line.x0 - left) <= 0.6 * line.size
            # digits on a lower baseline stretch a line's bottom into the next line's top
            close = -0.4 * max(prev.size, line.size) <= line.top - prev.bottom <= 1.5 * max(prev.size, line.size)
            if full and at_left and close and abs(line.size - prev.size) < 1.0 and not _OPENS_HEADING.match(line.text) \
                    and not PART_HEADING.match(compact(line.text)):
                out[-1] = TextLine(page=prev.page, text=prev.text + line.text, x0=prev.x0, x1=line.x1, top=prev.top,
                                   bottom=line.bottom, size=prev.size)
                continue
        out.append(line)
    return out


def _join_headings(lines: list[TextLine]) -> list[TextLine]:
    """A 第X部分 heading wrapped over lines (the year on its own line): join the lines that follow
    in the same type size until the heading names its part."""
    out: list[TextLine] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if PART_HEADING.match(compact(line.text)) and part_kind(line.text) is None:
            j = i + 1
            text = line.text
            while j < len(lines) and j <= i + 2 and abs(lines[j].size - line.size) < 0.5 \
                    and lines[j].top - lines[j - 1].bottom < 1.5 * line.size:
                text += lines[j].text
                j += 1
                if part_kind(text):
                    line = TextLine(page=line.page, text=text, x0=line.x0, x1=line.x1, top=line.top,
                                    bottom=lines[j - 1].bottom, size=line.size)
                    i = j - 1
                    break
        out.append(line)
        i += 1
    return out


@dataclass
class _Item:
    line: Line
    grid: Grid | None = None
    row: int = 0


def read_pdf_file(path: Path) -> Document:
    """Read a final-account disclosure PDF; raises InputError (encrypted, broken_pdf, scanned, empty,
    not_final_accounts, no_tables) or JavaUnavailableError, never a bare traceback for those."""
    path = Path(path)
    check_file(path)
    # tabula runs after the text layer, in this thread, on the pages that draw lines. Overlapping it
    # with the text layer in a worker thread (JVM started here first, the worker attached as a
    # daemon) saved at most the text layer's ~0.07 s and slowed budgets' refusal: not worth a thread.
    return _read_started(path, read_text_layer(path))


def _read_started(path: Path, pages: list[PageText]) -> Document:
    source = str(path)
    if not pages:
        raise InputError(source, "PDF 没有任何页面", "empty")
    if not any(p.lines for p in pages):
        if any(p.has_images for p in pages):
            raise InputError(source, "PDF 没有文字层（扫描件或图片），无法读取，请提供可复制文字的 PDF", "scanned")
        raise InputError(source, "PDF 中没有任何文字", "empty")
    text_lines = [Line(text=ln.text, location=Location(page=ln.page)) for p in pages for ln in p.lines]
    refuse_budget(text_lines, read_cover(text_lines), source)

    grids = read_grids(path, pages)
    margins = _margins(pages, grids)
    by_page: dict[int, list[Grid]] = {}
    for g in grids:
        by_page.setdefault(g.page, []).append(g)
    for page in pages:
        # the text inside a grid is the grid's: a paragraph never continues into or out of a table
        page_grids = by_page.get(page.number, [])
        inside = [ln for ln in page.lines if _in_grid(ln, page_grids)]
        outside = [ln for ln in page.lines if not _in_grid(ln, page_grids)]
        page.lines = _join_headings(_join_wrapped(outside, margins.get(round(page.width)))) + inside
    items = _items(pages, grids)
    scanned_pages = [p.number for p in pages if not p.lines and p.has_images]
    return _assemble(items, source, len(pages), scanned_pages, getattr(grids, "failed_pages", {}))


def _items(pages: list[PageText], grids: list[Grid]) -> list[_Item]:
    """Text lines outside the grids and grid rows, page by page, top to bottom."""
    items: list[_Item] = []
    by_page: dict[int, list[Grid]] = {}
    for g in grids:
        by_page.setdefault(g.page, []).append(g)
    for page in pages:
        page_grids = by_page.get(page.number, [])
        entries: list[tuple[float, int, object]] = []
        for ln in page.lines:
            if not _in_grid(ln, page_grids):
                entries.append((ln.top, 0, ln))
        for g in page_grids:
            entries.append((g.top, 1, g))
        for _top, _kind, entry in sorted(entries, key=lambda e: (e[0], e[1])):
            if isinstance(entry, TextLine):
                items.append(_Item(Line(text=entry.text, location=Location(page=page.number))))
            else:
                for r, row in enumerate(entry.rows):
                    loc = Location(page=page.number)
                    items.append(_Item(Line(text="\t".join(row), location=loc, cells=list(row)), grid=entry, row=r))
    return items


def _same_row(a: list[str], b: list[str]) -> bool:
    return [compact(x) for x in a] == [compact(x) for x in b]


def _assemble(items: list[_Item], source: str, page_count: int, scanned_pages: list[int],
              failed_pages: dict[int, str] | None = None) -> Document:
    lines = [item.line for item in items]
    cover = read_cover(lines)
    toc = find_toc(lines)
    body = items[toc.body:]
    tracker = PartTracker([item.line for item in body])
    parts: dict[str, list[Line]] = {"overview": [], "tables": [], "narrative": [], "glossary": [], "annex": []}
    building: list[FoundTable] = []
    current_part = "overview"
    current: FoundTable | None = None
    pending_label: str | None = None
    for index, item in enumerate(body):
        line = item.line
        page = line.location.page
        if item.grid is None:
            following = next((it.line for it in body[index + 1:index + 3] if it.grid is None and it.line.compact), None)
            kind = tracker.heading(line, following)
            if kind:
                current_part = kind
                current = None
                continue
            if current_part in ("overview", "tables"):
                if LABEL_LINE.fullmatch(line.compact):
                    if current is not None and current.label is None and not current.grids:
                        current.label = line.compact  # the label printed under its title ("表7")
                    else:
                        pending_label = line.compact  # the label printed above the next title
                match = identify_title(line.text)
                if match is not None:
                    current_part = "tables"
                    label = match.label or pending_label
                    pending_label = None
                    if current is not None and current.raw.spec.id == match.spec.id:
                        continue  # the title repeated on a continuation page: the same table goes on
                    raw = RawTable(spec=match.spec, title=line.compact, location=Location(table=match.spec.id, page=page),
                                   pages=(page, page))
                    current = FoundTable(raw, label=label)
                    building.append(current)
                    continue
            if current_part == "tables" and current is not None:
                if line.compact:
                    current.raw.meta.append((line.text, line.location))
                    if not is_meta_line(line.text) and not current.grids and not LABEL_LINE.fullmatch(line.compact):
                        current.stray_text.append(line.text)
                continue
            parts[current_part].append(line)
            continue
        # a grid row
        if current_part != "tables" or current is None:
            parts[current_part].append(line)
            continue
        grid = item.grid
        if item.row == 0:
            _attach(current, grid)
        if current.grids and current.grids[-1] is grid and item.row >= grid.skip:
            spans = grid.spans[item.row] if item.row < len(grid.spans) else {}
            current.raw.rows.append(RawRow(cells=list(grid.rows[item.row]), location=Location(page=page),
                                           spans=dict(spans) or None))
            current.raw.pages = (current.raw.pages[0] if current.raw.pages else page, page)
    found = merge_found(building)
    tables = interpret_found(found)
    for b in found:
        table = tables[b.raw.spec.id]
        if not b.grids and b.stray_text and table.empty_statement and not _has_amounts(b.stray_text):
            # An empty table printed without ruling lines: its header words and a 本表无数据 statement.
            table.rows = []
        elif not b.grids and b.stray_text:
            table.readable = False
            table.rows = []
            table.unreadable_reason = (f"{table_label(table.id)}（第{b.raw.pages[0] if b.raw.pages else '?'}页）没有可识别的表格框线，"
                                       "无法按单元格读取")
        elif b.problems:
            table.readable = False
            table.rows = []
            table.unreadable_reason = "；".join(b.problems)
    if scanned_pages:
        for table in tables.values():
            if table.pages and any(table.pages[0] <= p <= table.pages[1] + 1 for p in scanned_pages) and not table.rows:
                table.readable = False
                table.unreadable_reason = f"第{'、'.join(map(str, scanned_pages))}页是扫描图片，没有文字层，表格无法读取"
    for number, why in sorted((failed_pages or {}).items()):  # grids neither tabula nor pdfplumber could read
        for table in tables.values():
            if table.pages and (table.pages[0] <= number <= table.pages[1]
                                or (number == table.pages[1] + 1 and not table.rows)):
                table.readable, table.rows = False, []
                table.unreadable_reason = f"第{number}页的表格无法读取（{why}）"
    return document_from_parts(source=source, identity=cover.identity, tables=tables, parts=parts, lines=lines,
                               pages=page_count, toc=toc)


def _has_amounts(lines: list[str]) -> bool:
    """Whether any of the lines prints a money figure (not a code, not a year)."""
    return any(re.search(r"(?<![\d.])\d[\d,]*\.\d{1,2}(?![\d.])", line) for line in lines)


_CODE_CELL = re.compile(r"\d{3}(\d{2}){0,2}(\.0+)?")


def _widen(grid: Grid, last: Grid) -> bool:
    """A continuation printed without the empty columns of the page before — codes split over 类|款|项
    columns on the first page, joined in one column on the next — placed back into those columns.

    Only when both grids span the same width of the page and the columns it lacks hold nothing in the
    coded rows of the page before; otherwise the grids stay apart (never glued)."""
    if grid.width >= last.width or abs(grid.left - last.left) > 3 or abs(grid.right - last.right) > 3:
        return False
    body = [r for r in last.rows if r and _CODE_CELL.fullmatch(compact(r[0]))]
    if not body:
        return False
    empty = [i for i in range(1, last.width) if all(i >= len(r) or not compact(r[i]) for r in body)]
    need = last.width - grid.width
    if len(empty) < need:
        return False
    insert = empty[:need]
    if insert != list(range(insert[0], insert[0] + need)):
        return False  # only one run of adjacent empty columns, right after a filled one
    at = insert[0]
    grid.rows = [row[:at] + [""] * need + row[at:] for row in grid.rows]
    grid.spans = [{(k + need if k >= at else k): (v + need if v > at else v) for k, v in sp.items()} for sp in grid.spans]
    return True


_AMOUNT = re.compile(r"^-?[\d,]+(\.\d+)?$")


_HEADER_WORDS = {"项目", "科目编码", "科目名称", "科目代码", "金额", "决算数", "预算数", "栏次", "行次", "收入", "支出"}


def _is_header(row: list[str]) -> bool:
    """A row of header words: a cell that is a header word (项目, 科目编码, 决算数 …), no amount."""
    cells = [compact(c) for c in row if compact(c)]
    return bool(cells) and not any(_AMOUNT.match(c) for c in cells) and any(c in _HEADER_WORDS for c in cells)


def _words(row: list[str]) -> set[str]:
    return {compact(c) for c in row if compact(c)}


def _attach(current: FoundTable, grid: Grid) -> None:
    """A grid under a title: the table's own, or a continuation when adjacent and compatible."""
    if not current.grids:
        current.grids.append(grid)
        return
    last = current.grids[-1]
    title = f"{table_label(current.raw.spec.id)}"
    first_page = current.raw.pages[0] if current.raw.pages else grid.page
    current.raw.pages = (first_page, max(grid.page, current.raw.pages[1] if current.raw.pages else grid.page))
    if grid.page not in (last.page, last.page + 1):
        current.problems.append(f"{title}在第{grid.page}页的表格与前一部分（第{last.page}页）不相邻，未合并")
        return
    if grid.width != last.width and not _widen(grid, last):
        current.problems.append(
            f"{title}第{grid.page}页的续表有{grid.width}列，与第{last.page}页的{last.width}列不一致，未合并")
        return
    # a repeated header: the continuation's first rows equal the first grid's first rows
    first = current.grids[0].rows
    skip = 0
    while skip < min(len(grid.rows), len(first), 6) and _same_row(grid.rows[skip], first[skip]):
        skip += 1
    head = set().union(*(_words(r) for r in first[:3])) if first else set()
    if grid.page != last.page and skip == 0 and grid.rows and _is_header(grid.rows[0]) \
            and len(_words(grid.rows[0]) & head) * 2 < len(_words(grid.rows[0])):
        # an untitled grid on the next page whose header is another table's: never glued on
        current.problems.append(f"{title}之后第{grid.page}页的表格没有标题，表头与{title}不同，未合并")
        return
    grid.skip = skip
    current.grids.append(grid)
