"""What every strategy needs from a grid: header paths, column meanings, cells, pages.

A column's *header path* is the words printed over it, top to bottom, a merged cell counted over every
column it spans: ``["本年支出", "基本支出"]``. Columns are mapped by meaning from their paths, never by
position alone.
"""

from __future__ import annotations

from juesuan.core.model import Cell, Location, Table
from juesuan.core.money import Amount, CellKind, classify_cell
from juesuan.core.normalize import compact
from juesuan.extract.layouts.settings import SETTINGS, LayoutSettings
from juesuan.extract.rawtable import RawRow


class TableReadError(Exception):
    """The grid of a table could not be interpreted; ``reason`` says why (page, what was ambiguous), in Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def page_of(row: RawRow | None) -> str:
    """第N页 for messages; empty when the page is unknown (a text source)."""
    if row is None or not row.location.page:
        return ""
    return f"第{row.location.page}页"


def pages_of(raw) -> str:
    """第5页 or 第5–7页 for a whole table, for messages; empty when the pages are unknown."""
    if not raw.pages or not raw.pages[0]:
        return ""
    first, last = raw.pages
    return f"第{first}页" if first == last else f"第{first}–{last}页"


def width_of(rows: list[RawRow]) -> int:
    return max((len(r.cells) for r in rows), default=0)


def words(row: RawRow) -> list[str]:
    return [compact(c) for c in row.cells]


def same_cells(a: RawRow, b: RawRow) -> bool:
    return words(a) == words(b)


def make_cell(text: str, unit: str | None, loc: Location) -> Cell:
    kind, _ = classify_cell(text)
    amount = Amount.from_printed(text, unit or "万元") if kind is CellKind.AMOUNT else None
    return Cell(kind=kind, raw=text.strip(), amount=amount, location=loc)


def cell_location(table: Table, row: RawRow, row_label: str, column: str) -> Location:
    return Location(table=table.id, row=row_label, column=column, page=row.location.page, line=row.location.line)


def is_column_number_row(row: RawRow) -> bool:
    """The 栏次 row: "栏次" and column numbers 1, 2, 3 …"""
    cells = [c for c in words(row) if c]
    if not cells:
        return False
    if any(c in ("栏次", "栏") for c in cells):
        return True
    return len(cells) >= 3 and all(c.isdigit() and int(c) < 40 for c in cells)


def is_footer(row: RawRow, settings: LayoutSettings = SETTINGS) -> bool:
    t = compact(" ".join(row.cells))
    return not t or t.startswith(settings.footer_prefixes)


def is_of_which(word: str, settings: LayoutSettings = SETTINGS) -> bool:
    return word.startswith(settings.of_which_prefixes)


def has_amount(row: RawRow, start: int = 0) -> bool:
    return any(classify_cell(c)[0] is CellKind.AMOUNT for c in row.cells[start:])


def _row_words(row: RawRow, width: int) -> list[str]:
    """The word over each column position of one header row, a merged cell spread over its span."""
    out = [compact(row.cell(p)) for p in range(width)]
    for start, end in (row.spans or {}).items():
        if start < width and out[start]:
            for p in range(start + 1, min(end, width)):
                if not out[p]:
                    out[p] = out[start]
    return out


def header_paths(rows: list[RawRow], width: int) -> list[list[str]]:
    """The words over each column, top to bottom.

    A merged cell covers the columns of its span. Where a reader gives no spans (the text form), a blank
    header cell takes the word on its left when a lower header row names a sub-column at that position:
    "本年支出 | (blank) | (blank)" over "小计 | 基本支出 | 项目支出".
    """
    grid = [_row_words(r, width) for r in rows]
    for i, row in enumerate(rows):
        if row.spans:
            continue
        for p in range(1, width):
            if not grid[i][p] and grid[i][p - 1] and any(grid[j][p] for j in range(i + 1, len(rows))):
                grid[i][p] = grid[i][p - 1]
    paths: list[list[str]] = []
    for p in range(width):
        path: list[str] = []
        for i in range(len(rows)):
            w = grid[i][p]
            if w and (not path or path[-1] != w):
                path.append(w)
        paths.append(path)
    return paths


def best_alias(word: str, spec_columns) -> str | None:
    """The key whose alias is the longest one contained in ``word``."""
    best: tuple[int, str] | None = None
    for key, aliases in spec_columns:
        for alias in aliases:
            a = compact(alias)
            if a and a in word and (best is None or len(a) > best[0]):
                best = (len(a), key)
    return best[1] if best else None


def column_key(path: list[str], spec_columns, settings: LayoutSettings = SETTINGS) -> str | None:
    """The canonical key of a column from its header path, innermost word first.

    - a sub-column's own name decides (本年支出 | 基本支出 is 基本支出);
    - a generic name (小计, 合计, 金额) is the total of the group above it: 公务用车… | 小计 is the vehicle
      column, 本年支出 | 小计 the table's total, 事业收入 | 金额 the 事业收入 column; under a group that names
      no column (财政拨款安排的“三公”经费 | 小计) it is the table's total;
    - a part printed beside its whole (其中：教育收费) is ``of:`` that name, never summed with the others;
    - a header wrapped over two grid rows is read joined, when no single word names a column.
    """
    if not path:
        return None
    keys = {k for k, _ in spec_columns}
    inner = path[-1]
    if is_of_which(inner, settings):
        return f"of:{inner.split(':', 1)[-1].split('：', 1)[-1].removeprefix('其中')}"
    if inner in settings.generic_words:
        for word in reversed(path[:-1]):
            key = best_alias(word, spec_columns)
            if key is not None:
                return key
        if len(path) > 1 and "total" in keys:
            return "total"
        return best_alias(inner, spec_columns)
    key = best_alias(inner, spec_columns)
    if key is not None:
        return key
    return best_alias("".join(path), spec_columns)


def map_columns(paths: dict[int, list[str]], spec_columns, where: str,
                settings: LayoutSettings = SETTINGS) -> dict[int, str]:
    """Map positions to canonical keys; all or nothing (an unknown or doubled meaning fails the table)."""
    mapping: dict[int, str] = {}
    for pos, path in paths.items():
        key = column_key(path, spec_columns, settings)
        if key is None:
            raise TableReadError(f"{where}：无法识别列“{'／'.join(path) or '(空表头)'}”的含义")
        mapping[pos] = key
    seen: dict[str, list[int]] = {}
    for pos, key in mapping.items():
        seen.setdefault(key, []).append(pos)
    dupes = {k: ps for k, ps in seen.items() if len(ps) > 1}
    if dupes:
        what = "；".join(f"{'、'.join('／'.join(paths[p]) for p in ps)}都像是“{k}”" for k, ps in sorted(dupes.items()))
        raise TableReadError(f"{where}：{what}，列含义不明确")
    return mapping


def column_label(path: list[str], settings: LayoutSettings = SETTINGS) -> str:
    """The printed name of a column: its own word, with its group's when the word is generic (本年支出小计)."""
    if not path:
        return ""
    if path[-1] in settings.generic_words and len(path) > 1:
        return path[-2] + path[-1]
    return path[-1]


def split_header(rows: list[RawRow], is_data) -> tuple[list[RawRow], RawRow | None, list[RawRow]]:
    """Header rows, the 栏次 row if any, and the rows from the first one ``is_data`` accepts."""
    header: list[RawRow] = []
    numbers: RawRow | None = None
    rows = [r for r in rows if not r.is_empty]
    for i, row in enumerate(rows):
        if numbers is None and is_column_number_row(row) and not is_data(row):
            numbers = row
            continue
        if is_data(row):
            return header, numbers, rows[i:]
        if numbers is None:
            header.append(row)
    return header, numbers, []


def drop_repeated_header(data: list[RawRow], header: list[RawRow], numbers: RawRow | None) -> list[RawRow]:
    """A table over several pages repeats its header (and 栏次 row) on each: those rows are not data."""
    repeated = [h for h in header] + ([numbers] if numbers is not None else [])
    return [r for r in data if not r.is_empty and not any(same_cells(r, h) for h in repeated)
            and not is_column_number_row(r)]
