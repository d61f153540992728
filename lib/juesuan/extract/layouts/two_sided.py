"""Two-sided tables (01 收入支出决算总表, 04 财政拨款收入支出决算总表, the university 收支决算总表): an income
side and an expenditure side, each with a label column, maybe a 行次 column, and amount columns."""

from __future__ import annotations

from juesuan.catalog import EXPENSE_LINES_01, INCOME_LINES_01, class_code_for_name, match_key, strip_ordinal
from juesuan.core.labels import table_label
from juesuan.core.model import Row, Table
from juesuan.core.normalize import compact, normalise
from juesuan.extract.layouts.grid import (
    TableReadError, cell_location, column_label, drop_repeated_header, header_paths, is_of_which, make_cell,
    map_columns, page_of, pages_of, split_header, width_of,
)
from juesuan.extract.layouts.sanity import column_tally, judge
from juesuan.extract.layouts.settings import SETTINGS, LayoutSettings
from juesuan.extract.rawtable import RawRow, RawTable

_LINE_NO = ("行次",)


def _of_which_key(label: str) -> str:
    return f"of:{compact(label)}"


def read_two_sided(raw: RawTable, table: Table, settings: LayoutSettings = SETTINGS) -> None:
    where = table_label(table.id)

    def is_data(row: RawRow) -> bool:
        first = compact(row.cell(0))
        return first.startswith("一、") or bool(first) and match_key(first, INCOME_LINES_01) == "general"

    header, numbers, data = split_header(raw.rows, is_data)
    if not data:
        raise TableReadError(f"{where}：{pages_of(raw)}找不到数据行（收入栏的“一、”行）")
    data = drop_repeated_header(data, header, numbers)
    # The header row naming 项目 twice tells where the expenditure side starts (项目 | 项目(按功能分类)).
    split = None
    for row in header:
        items = [p for p, c in enumerate(row.cells) if compact(c).startswith("项目")]
        if len(items) >= 2:
            split = items[1]
            break
    if split is None:
        raise TableReadError(f"{where}：{page_of(header[0] if header else data[0])}找不到收入和支出两栏的分界（表头没有两个“项目”）")
    width = width_of(raw.rows)
    # The top row (收入 | 支出) names the sides, not the columns.
    paths = [[w for w in path if w not in ("收入", "支出")] for path in header_paths(header, width)]

    def side_columns(start: int, stop: int, side: str) -> tuple[int | None, dict[int, str]]:
        line_col = next((p for p in range(start, stop) if paths[p] and paths[p][-1] in _LINE_NO), None)
        amounts = [p for p in range(start + 1, stop) if p != line_col]
        if table.id == "01" or len(amounts) == 1:
            if len(amounts) != 1:
                raise TableReadError(f"{where}：{page_of(header[0])}{side}栏的金额列不是一列："
                                     f"{'、'.join(column_label(paths[p]) or '(空表头)' for p in amounts) or '没有金额列'}")
            return line_col, {amounts[0]: "amount"}
        return line_col, map_columns({p: paths[p] for p in amounts}, raw.spec.columns, f"{where}{side}栏", settings)

    in_line, in_cols = side_columns(0, split, "收入")
    ex_line, ex_cols = side_columns(split, width, "支出")
    for p, key in {**in_cols, **ex_cols}.items():
        table.columns.setdefault(key, column_label(paths[p]) or "金额")

    income_state = "lines"  # after 年初结转和结余, fund names are the opening balance by fund
    expense_state = "lines"
    for row in data:
        _income(row, table, in_line, in_cols, income_state)
        label = normalise(row.cell(0)).strip()
        if label and match_key(label, INCOME_LINES_01) == "opening":
            income_state = "opening"
        expense_state = _expense(row, table, split, ex_line, ex_cols, expense_state)
    judge(table, column_tally(table), settings)  # 04: each expenditure row's 合计 = the fund columns


def _income(row: RawRow, table: Table, line_col: int | None, cols: dict[int, str], state: str) -> None:
    label = normalise(row.cell(0)).strip()
    line_no = compact(row.cell(line_col)) if line_col is not None else None
    if not label:
        if any(compact(row.cell(p)) for p in cols):
            raise TableReadError(f"{table_label(table.id)}：{page_of(row)}收入栏第{line_no or '?'}行有金额却没有项目名称")
        return
    if is_of_which(compact(label)):
        key = _of_which_key(label)  # 其中：捐赠收入 is part of the line above, never one more line
    else:
        key = match_key(label, INCOME_LINES_01)
        if key in ("general", "fund", "soe", "opening_general", "opening_fund", "opening_soe"):
            base = key.replace("opening_", "")
            key = f"opening_{base}" if state == "opening" else base
        if key is None:
            key = f"unlabeled:{compact(label)}"
    cells = {col: make_cell(row.cell(p), table.unit, cell_location(table, row, label, "金额")) for p, col in cols.items()}
    table.rows.append(Row(key=key, label=strip_ordinal(label), cells=cells, line_no=line_no, section="income",
                          location=cell_location(table, row, label, "")))


def _expense(row: RawRow, table: Table, label_col: int, line_col: int | None, cols: dict[int, str], state: str) -> str:
    label = normalise(row.cell(label_col)).strip()
    line_no = compact(row.cell(line_col)) if line_col is not None else None
    values = {col: row.cell(p) for p, col in cols.items()}
    if not label and not any(compact(v) for v in values.values()):
        return state
    code = class_code_for_name(label) if label else None
    if code:
        key = code
    elif label and is_of_which(compact(label)):
        key = _of_which_key(label)
    elif label:
        key = match_key(label, EXPENSE_LINES_01) or f"unlabeled:{compact(label)}"
        if key == "closing":
            state = "closing"
    else:
        # 04 prints the closing balance by fund on unlabeled lines under 年末结转和结余.
        key = f"closing_line:{line_no}" if state == "closing" else f"unlabeled:{line_no}"
    cells = {col: make_cell(v, table.unit, cell_location(table, row, label or f"行次{line_no}", table.columns.get(col, col)))
             for col, v in values.items()}
    table.rows.append(Row(key=key, label=strip_ordinal(label), code=code, cells=cells, line_no=line_no,
                          section="expense", location=cell_location(table, row, label, "")))
    return state
