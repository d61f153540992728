"""Coded tables (02, 03, 05, 07, 08 and the university 收入/支出/财政拨款支出 tables): rows by 功能分类 code,
columns by meaning.

Handles one- or two-level headers (本年支出 over 小计|基本支出|项目支出), 其中 columns, codes joined or split over
类|款|项 columns, the 合计 row above or below the classes (and repeated on every page), continuation pages that
repeat the header.
"""

from __future__ import annotations

from juesuan.core.labels import table_label
from juesuan.core.model import Row, Table
from juesuan.core.money import CellKind, classify_cell
from juesuan.core.normalize import compact
from juesuan.extract.layouts.codes import code_columns, is_level_row, joined_code, realign
from juesuan.extract.layouts.grid import (
    TableReadError, cell_location, column_label, drop_repeated_header, header_paths, is_footer, make_cell,
    map_columns, page_of, pages_of, split_header, width_of,
)
from juesuan.extract.layouts.sanity import column_tally, judge
from juesuan.extract.layouts.settings import SETTINGS, LayoutSettings
from juesuan.extract.rawtable import RawRow, RawTable


def read_coded(raw: RawTable, table: Table, settings: LayoutSettings = SETTINGS) -> None:
    rows = [r for r in raw.rows if not r.is_empty]
    width = width_of(rows)
    code_cols = code_columns(rows[: settings.header_scan_rows], width, settings)
    rows = [realign(r, code_cols, width) for r in rows]
    name_col = code_cols[-1] + 1
    where = table_label(table.id)

    def is_total(row: RawRow) -> bool:
        codes = [compact(row.cell(p)) for p in code_cols]
        if any(codes) and not is_level_row(row, code_cols, settings):
            return codes[0] in settings.total_words and not any(codes[1:])
        return compact(row.cell(name_col)) in settings.total_words

    def is_data(row: RawRow) -> bool:
        return is_total(row) or joined_code(row, code_cols) is not None

    header, numbers, data = split_header(rows, is_data)
    if not data:
        raise TableReadError(f"{where}：{pages_of(raw)}找不到数据行（既没有科目编码行，也没有合计行）")
    data = drop_repeated_header(data, header, numbers)
    if data and is_total(data[0]):
        # Some templates print the sub-column names (合计|基本支出|项目支出) on the 合计 row itself.
        first = data[0]
        named = [p for p in range(name_col + 1, width)
                 if compact(first.cell(p)) and classify_cell(first.cell(p))[0] is CellKind.TEXT]
        if named:
            header.append(RawRow(cells=["" if p <= name_col else c for p, c in enumerate(first.cells)],
                                 location=first.location))
            data[0] = RawRow(cells=[c if p <= name_col or p not in named else "" for p, c in enumerate(first.cells)],
                             location=first.location)
    paths = header_paths(header, width)
    positions = [p for p in range(name_col + 1, width)
                 if paths[p] or (numbers is not None and compact(numbers.cell(p)).isdigit())]
    if not positions:
        raise TableReadError(f"{where}：{page_of(data[0])}找不到金额列")
    mapping = map_columns({p: paths[p] for p in positions}, raw.spec.columns,
                          f"{where}{page_of(header[0] if header else data[0])}表头", settings)
    table.columns = {key: column_label(paths[p]) for p, key in mapping.items()}
    total_row: RawRow | None = None
    for row in data:
        total = is_total(row)
        code = None if total else joined_code(row, code_cols)
        if code is None and not total:
            if is_footer(row, settings):
                continue
            raise TableReadError(f"{where}：{page_of(row)}有一行既不是科目编码行也不是合计行：{' | '.join(row.cells)}")
        stray = [p for p in range(name_col + 1, width) if p not in mapping and compact(row.cell(p))]
        if stray:
            raise TableReadError(f"{where}：{page_of(row)}有数据的列没有表头：{' | '.join(row.cells)}")
        if total:
            # The 合计 row may stand above the classes or below them, and a table over several pages may
            # repeat it on each: one 合计, the same on every page, or the table is ambiguous.
            if total_row is not None:
                if all(compact(total_row.cell(p)) == compact(row.cell(p)) for p in mapping):
                    continue
                raise TableReadError(f"{where}：{page_of(total_row)}和{page_of(row)}各有一个数值不同的合计行，不知以哪一行为准")
            total_row = row
        name = compact(row.cell(name_col)) if code else "合计"
        label = f"{code} {name}" if code else "合计"
        cells = {col: make_cell(row.cell(p), table.unit, cell_location(table, row, label, table.columns[col]))
                 for p, col in mapping.items()}
        table.rows.append(Row(key=code or "total", label=name, code=code, cells=cells,
                              location=cell_location(table, row, label, "")))
    judge(table, column_tally(table), settings)
