"""06 基本支出决算(明细)表: economic classes in two to four side-by-side panels (code | name | amount each),
its 人员经费合计 / 公用经费合计 row wherever it is printed (often on the last page, in a name column)."""

from __future__ import annotations

from juesuan.catalog import PERSONNEL_CLASSES
from juesuan.core.labels import table_label
from juesuan.core.model import Row, Table
from juesuan.core.money import CellKind, classify_cell
from juesuan.core.normalize import compact
from juesuan.extract.layouts.codes import joined_code, normalise_code
from juesuan.extract.layouts.grid import (
    TableReadError, cell_location, drop_repeated_header, make_cell, page_of, pages_of, split_header, width_of,
)
from juesuan.extract.layouts.sanity import hierarchy_tally, judge
from juesuan.extract.layouts.settings import SETTINGS, LayoutSettings
from juesuan.extract.rawtable import RawRow, RawTable

_TOTALS = (("personnel_total", "人员经费合计"), ("public_total", "公用经费合计"))


def _panel_columns(header: list[RawRow], width: int, settings: LayoutSettings) -> list[tuple[list[int], int, int]]:
    """Each panel's (code columns, name column, amount column) from the header.

    A panel opens where a header cell names the code (科目代码, 经济分类科目编码, 经济分类); its code sits
    in one column or in 类|款 columns when a lower header row says so.
    """
    starts: list[int] = []
    for row in header:
        for p in range(width):
            if compact(row.cell(p)) in settings.panel_code_headers and not any(abs(p - q) < 2 for q in starts):
                starts.append(p)
        if starts:
            break
    panels = []
    for p in sorted(starts):
        split = any(compact(r.cell(p)) == "类" and compact(r.cell(p + 1)) == "款" for r in header)
        codes = [p, p + 1] if split else [p]
        panels.append((codes, codes[-1] + 1, codes[-1] + 2))
    return panels


def _is_totals_row(row: RawRow) -> bool:
    return any(compact(c).startswith(name) for c in row.cells for _, name in _TOTALS)


def read_panels(raw: RawTable, table: Table, settings: LayoutSettings = SETTINGS) -> None:
    where = table_label(table.id)
    width = width_of(raw.rows)

    def is_data(row: RawRow) -> bool:
        if normalise_code(row.cell(0)) is not None:
            return True
        return compact(row.cell(0)).isdigit() and len(compact(row.cell(0))) == 3 and joined_code(row, [0, 1]) is not None

    header, numbers, data = split_header(raw.rows, is_data)
    if not header:
        raise TableReadError(f"{where}：{pages_of(raw)}找不到表头")
    panels = _panel_columns(header, width, settings)
    if not panels:
        raise TableReadError(f"{where}：{page_of(header[0])}表头中找不到“科目代码”列，分不出各栏")
    data = drop_repeated_header(data, header, numbers)
    table.columns = {"amount": "决算数"}
    totals_row: RawRow | None = None
    for row in data:
        if _is_totals_row(row):
            _read_totals(row, table)
            totals_row = row
            continue
        for codes, name_col, amount_col in panels:
            code = joined_code(row, codes)
            if code is None:
                if any(compact(row.cell(p)) for p in codes) or compact(row.cell(amount_col)):
                    raise TableReadError(f"{where}：{page_of(row)}第{codes[0] + 1}列不是科目代码：{' | '.join(row.cells)}")
                continue
            name = compact(row.cell(name_col))
            label = f"{code} {name}"
            cell = make_cell(row.cell(amount_col), table.unit, cell_location(table, row, label, "决算数"))
            section = "personnel" if code[:3] in PERSONNEL_CLASSES else "public"
            table.rows.append(Row(key=code, label=name, code=code, cells={"amount": cell}, section=section,
                                  location=cell_location(table, row, label, "")))
    if totals_row is not None:
        # A totals row that prints one of the two totals blank: the other is there, blank.
        for key, name in _TOTALS:
            if table.row(key) is None:
                _add_total(table, totals_row, (key, name), "")
    judge(table, hierarchy_tally(table, "amount"), settings)


def _read_totals(row: RawRow, table: Table) -> None:
    """人员经费合计 | 96,513.21 | … | 公用经费合计 | 2,093.08: each total is the first amount after its name."""
    current = None
    for text in row.cells:
        t = compact(text)
        named = next(((key, name) for key, name in _TOTALS if t.startswith(name)), None)
        if named:
            current = named
            rest = t[len(named[1]):].lstrip(":：")
            if rest and classify_cell(rest)[0] is CellKind.AMOUNT:
                _add_total(table, row, current, rest)
                current = None
            continue
        if t and current and classify_cell(t)[0] is CellKind.AMOUNT:
            _add_total(table, row, current, text)
            current = None


def _add_total(table: Table, row: RawRow, named: tuple[str, str], text: str) -> None:
    key, name = named
    if table.row(key) is not None:
        if text.strip():
            raise TableReadError(f"{table_label(table.id)}：{page_of(row)}“{name}”出现不止一次")
        return
    cell = make_cell(text, table.unit, cell_location(table, row, name, "决算数"))
    table.rows.append(Row(key=key, label=name, cells={"amount": cell}, section="totals",
                          location=cell_location(table, row, name, "")))
