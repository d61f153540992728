"""09 财政拨款“三公”经费支出决算表 in its variants.

- halves as column groups: 预算数 | 决算数 over the items (the seed, Guangdong), or a 预算数|决算数 row under
  each item (Shanghai), with or without a 栏次 row;
- transposed: the items across, one row per half, labelled 预算数 / 决算数 (Shaanxi);
- with or without the vehicle 小计 column; with 会议费 / 培训费 columns beside the 三公 items.

Each column's meaning comes from its header path: a generic 小计/合计 belongs to the group above it.
"""

from __future__ import annotations

from juesuan.core.labels import table_label
from juesuan.core.model import Row, Table
from juesuan.core.normalize import compact
from juesuan.extract.layouts.grid import (
    TableReadError, cell_location, column_label, has_amount, header_paths, is_column_number_row, is_footer,
    make_cell, map_columns, page_of, pages_of, split_header, width_of,
)
from juesuan.extract.layouts.sanity import column_tally, judge
from juesuan.extract.layouts.settings import SETTINGS, LayoutSettings
from juesuan.extract.rawtable import RawRow, RawTable

_HALF_NAMES = {"budget": "预算数", "final": "决算数"}
#: With one data row, the 三公 table offers four comparisons (two identities × two halves): judged from two.
_MIN_COMPARISONS = 2


def read_sangong(raw: RawTable, table: Table, settings: LayoutSettings = SETTINGS) -> None:
    where = table_label(table.id)
    rows = [r for r in raw.rows if not r.is_empty and not is_footer(r, settings)]

    def is_data(row: RawRow) -> bool:
        return has_amount(row) and not is_column_number_row(row)

    header, numbers, data = split_header(rows, is_data)
    data = [r for r in data if is_data(r)]
    if not header:
        raise TableReadError(f"{where}：{pages_of(raw)}找不到表头")
    width = width_of(rows)
    paths = header_paths(header, width)
    halves_of = settings.half_words

    def strip(path: list[str]) -> list[str]:
        return [w for w in path if w not in halves_of]

    if any(compact(r.cell(0)) in halves_of for r in data):
        by_row = _transposed(data, paths, strip, width, where, raw, settings)
    else:
        by_row = _halves_in_columns(data, paths, strip, width, where, raw, settings)
    table.columns = {}
    cells = {}
    for row, half, mapping in by_row:
        for p, key in mapping.items():
            column = f"{half}_{key}"
            if column in table.columns:
                raise TableReadError(f"{where}：{page_of(row)}{_HALF_NAMES[half]}出现不止一次")
            table.columns[column] = f"{_HALF_NAMES[half]}·{column_label(strip(paths[p]))}"
            if row is not None:
                cells[column] = make_cell(row.cell(p), table.unit,
                                          cell_location(table, row, "三公经费", table.columns[column]))
    if cells:
        first = next(row for row, _, _ in by_row if row is not None)
        table.rows.append(Row(key="sangong", label="三公经费", cells=cells, location=cell_location(table, first, "三公经费", "")))
    judge(table, column_tally(table), settings, min_comparisons=_MIN_COMPARISONS)


def _transposed(data, paths, strip, width, where, raw, settings):
    """One row per half, labelled in the first column; the items across."""
    positions = [p for p in range(1, width) if strip(paths[p]) or any(compact(r.cell(p)) for r in data)]
    mapping = map_columns({p: strip(paths[p]) for p in positions}, raw.spec.columns, f"{where}{page_of(data[0])}表头",
                          settings)
    other = next((row for row in data if compact(row.cell(0)) not in settings.half_words), None)
    if other is not None:
        raise TableReadError(f"{where}：{page_of(other)}的行“{compact(other.cell(0)) or '(无名称)'}”既不是预算数也不是决算数")
    return [(row, settings.half_words[compact(row.cell(0))], mapping) for row in data]


def _halves_in_columns(data, paths, strip, width, where, raw, settings):
    """预算数 and 决算数 as column groups (the word over the items, or under each item); one data row."""
    if len(data) > 1:
        raise TableReadError(f"{where}：{page_of(data[1])}数据行不止一行，分不清预算数和决算数")
    by_half: dict[str, dict[int, list[str]]] = {}
    unknown = []
    has_halves = any(w in settings.half_words for path in paths for w in path)
    for p in range(width):
        half = next((settings.half_words[w] for w in paths[p] if w in settings.half_words), None)
        if half is None and has_halves:
            unknown.append(p)
            continue
        if strip(paths[p]) or (data and compact(data[0].cell(p))):
            # Without any 预算数/决算数 word, the figures are the 决算数 (the table's title says so).
            by_half.setdefault(half or "final", {})[p] = strip(paths[p])
    row = data[0] if data else None
    if row is not None:
        stray = [p for p in unknown if compact(row.cell(p))]
        if stray:
            raise TableReadError(f"{where}：{page_of(row)}有数据的列不属于预算数或决算数：{' | '.join(row.cells)}")
    out = []
    for half, half_paths in by_half.items():
        out.append((row, half, map_columns(half_paths, raw.spec.columns, f"{where}{pages_of(raw)}{_HALF_NAMES[half]}表头", settings)))
    return out
