"""Turn a :class:`RawTable` grid into a canonical :class:`Table`, by layout family.

Columns are mapped by meaning (the header words), never by position alone; a table whose columns
cannot be mapped is returned unreadable with the reason (fail closed), never guessed.
"""

from __future__ import annotations

import re
from decimal import Decimal

from juesuan.catalog import (
    EXPENSE_LINES_01,
    INCOME_LINES_01,
    STATS_ROWS,
    class_code_for_name,
    match_key,
    strip_ordinal,
)
from juesuan.core.model import Cell, Location, Row, Table
from juesuan.core.money import Amount, CellKind, classify_cell
from juesuan.core.normalize import compact, normalise
from juesuan.extract.rawtable import RawRow, RawTable, read_meta
from juesuan.core.labels import table_label


class TableReadError(Exception):
    """The grid of a table could not be interpreted; ``reason`` says why, in Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")


def normalise_code(text: str) -> str | None:
    """A 功能/经济分类 code as printed, or as tabula returns it ("302.0"); None if not a code."""
    t = compact(text)
    if re.fullmatch(r"\d+\.0+", t):
        t = t.split(".")[0]
    return t if _CODE.match(t) else None


def interpret(raw: RawTable) -> Table:
    """Interpret a raw table; an unreadable table comes back with ``readable=False`` and a reason."""
    meta = read_meta(raw)
    table = Table(
        id=raw.spec.id,
        title=raw.title,
        rows=[],
        columns={},
        unit=meta.unit,
        label=meta.label,
        unit_name=meta.unit_name,
        year=meta.year,
        empty_statement=meta.empty_statement,
        notes=meta.notes,
        pages=raw.pages,
        location=raw.location,
    )
    if not any(not r.is_empty for r in raw.rows) and meta.empty_statement:
        return table  # an empty table printed as header words and a 本表无数据 statement, no grid
    reader = _LAYOUTS[raw.spec.kind]
    try:
        reader(raw, table)
    except TableReadError as exc:
        table.readable = False
        table.unreadable_reason = exc.reason
        table.rows = []
    return table


def _cell(text: str, unit: str | None, loc: Location) -> Cell:
    kind, value = classify_cell(text)
    amount = None
    if kind is CellKind.AMOUNT:
        amount = Amount.from_printed(text, unit or "万元")
    return Cell(kind=kind, raw=text.strip(), amount=amount, location=loc)


def _loc(table: Table, row: RawRow, row_label: str, column: str) -> Location:
    return Location(table=table.id, row=row_label, column=column, page=row.location.page, line=row.location.line)


def _is_column_number_row(row: RawRow) -> bool:
    """The 栏次 row: "栏次" and column numbers 1, 2, 3 …"""
    cells = [compact(c) for c in row.cells if compact(c)]
    if not cells:
        return False
    if any(c == "栏次" for c in cells):
        return True
    return len(cells) >= 3 and all(c.isdigit() and int(c) < 40 for c in cells)


def _row_words(row: RawRow, width: int) -> list[str]:
    """The word printed over each column position of one row, a merged cell spread over its span."""
    words = [compact(row.cell(p)) for p in range(width)]
    for start, end in (row.spans or {}).items():
        if start < width and words[start]:
            for p in range(start + 1, min(end, width)):
                if not words[p]:
                    words[p] = words[start]
    return words


def _header_labels(rows: list[RawRow], width: int, fill_forward_first: bool = False) -> list[str]:
    """One label per column position, joining the header rows' words at that position."""
    labels = [""] * width
    for index, row in enumerate(rows):
        last = ""
        words = _row_words(row, width)
        for p in range(width):
            word = words[p]
            if not word and fill_forward_first and index == 0:
                word = last
            if word:
                labels[p] = labels[p] + word if word not in labels[p] else labels[p]
                last = word
    return labels


def _innermost_labels(rows: list[RawRow], width: int) -> list[str]:
    """The lowest header word over each column position (a sub-column's own name)."""
    inner = [""] * width
    for row in rows:
        for p, word in enumerate(_row_words(row, width)):
            if word:
                inner[p] = word
    return inner


def _best_alias(label: str, spec_columns) -> str | None:
    best: tuple[int, str] | None = None
    for key, aliases in spec_columns:
        for alias in aliases:
            a = compact(alias)
            if a and a in label and (best is None or len(a) > best[0]):
                best = (len(a), key)
    return best[1] if best else None


def _map_columns(labels: dict[int, str], spec_columns, where: str,
                 inner: dict[int, str] | None = None) -> dict[int, str]:
    """Map positions to canonical keys by the longest alias in each label; all or nothing.

    With ``inner`` (the lowest header word of each position), a sub-column's own name decides first,
    so 本年支出|基本支出 is 基本支出, not 本年支出.
    """
    mapping: dict[int, str] = {}
    for pos, label in labels.items():
        key = _best_alias(inner[pos], spec_columns) if inner and inner.get(pos) else None
        key = key or _best_alias(label, spec_columns)
        if key is None:
            raise TableReadError(f"{where}：无法识别列“{label or '(空表头)'}”的含义")
        mapping[pos] = key
    keys = list(mapping.values())
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise TableReadError(f"{where}：多个列都像是“{'、'.join(dupes)}”，列含义不明确")
    return mapping


def _split_header(raw: RawTable, is_data) -> tuple[list[RawRow], RawRow | None, list[RawRow]]:
    """Header rows, the 栏次 row if any, and the data rows (from the first row ``is_data`` accepts)."""
    header: list[RawRow] = []
    numbers: RawRow | None = None
    rows = [r for r in raw.rows if not r.is_empty]
    for i, row in enumerate(rows):
        if _is_column_number_row(row) and numbers is None:
            numbers = row
            continue
        if is_data(row):
            return header, numbers, rows[i:]
        if numbers is None:
            header.append(row)
    return header, numbers, []


# --- coded tables: 02, 03, 05, 07, 08 -------------------------------------------------------------


_LEVELS = ("类", "款", "项")


def _code_columns(rows: list[RawRow], width: int) -> list[int]:
    """Where the code sits: one column, or 类|款(|项) columns side by side (DOMAIN.md §3)."""
    for row in rows:
        words = [compact(row.cell(p)) for p in range(width)]
        for p in range(width - 1):
            if words[p] == "类" and words[p + 1] == "款":
                return [p, p + 1, p + 2] if p + 2 < width and words[p + 2] == "项" else [p, p + 1]
    return [0]


def _joined_code(row: RawRow, columns: list[int]) -> str | None:
    """The code of a row, its parts joined when split over 类|款|项 columns (201 | 06 | 01)."""
    if len(columns) == 1:
        return normalise_code(row.cell(columns[0]))
    parts = []
    for p in columns:
        t = compact(row.cell(p))
        if re.fullmatch(r"\d+\.0+", t):
            t = t.split(".")[0]
        parts.append(t)
    if not parts[0] or not re.fullmatch(r"\d{3}", parts[0]):
        return None
    code = parts[0]
    for i, part in enumerate(parts[1:], start=1):
        if not part:
            if any(parts[i + 1:]):
                return None
            break
        if not re.fullmatch(r"\d{2}", part):
            return None
        code += part
    return normalise_code(code)


def _is_level_row(row: RawRow, columns: list[int]) -> bool:
    return len(columns) > 1 and [compact(row.cell(p)) for p in columns] == list(_LEVELS[: len(columns)])


# Each coded table's own column identity: the total column = the sum of its parts (DOMAIN.md §3).
_COLUMN_IDENTITY: dict[str, tuple[str, tuple[str, ...]]] = {
    "02": ("total", ("fiscal", "superior", "business", "operating", "affiliated", "other")),
    "03": ("total", ("basic", "project", "remit", "operating", "subsidy")),
    "05": ("total", ("basic", "project")),
    "07": ("total", ("basic", "project")),
    "08": ("total", ("basic", "project")),
}


# With fewer rows than this, a failed sum is reported as a defect of the table, not taken to mean
# the columns were misread: too few rows to tell the two apart.
_MIN_ROWS_TO_JUDGE = 3


def _check_mapping(table: Table) -> None:
    """Accept a column mapping only when the table's own sums hold with it: a mapping that breaks the
    column identity on most rows is a misread grid, not a table full of errors (DOMAIN.md §8)."""
    identity = _COLUMN_IDENTITY.get(table.id)
    if identity is None:
        return
    total, parts = identity
    parts = tuple(p for p in parts if p in table.columns)
    if total not in table.columns or not parts:
        return
    checked = failed = 0
    for row in table.rows:
        cells = [row.cells.get(c) for c in (total, *parts)]
        if not any(c is not None and c.amount is not None for c in cells):
            continue
        low = high = Decimal(0)
        for c in cells[1:]:
            if c is not None and c.amount is not None:
                low += c.amount.low
                high += c.amount.high
        t = cells[0].amount if cells[0] is not None else None
        t_low, t_high = (t.low, t.high) if t is not None else (Decimal(0), Decimal(0))
        checked += 1
        if high < t_low or low > t_high:
            failed += 1
    if checked >= _MIN_ROWS_TO_JUDGE and failed * 2 > checked:
        raise TableReadError(
            f"{table_label(table.id)}：按表头识别的列在{failed}/{checked}行不满足“{table.columns[total]}＝各分项之和”，"
            "列的对应关系不可靠，不按此读取")


def _read_coded(raw: RawTable, table: Table) -> None:
    width = max((len(r.cells) for r in raw.rows), default=0)
    code_cols = _code_columns([r for r in raw.rows if not r.is_empty][:8], width)
    name_col = code_cols[-1] + 1

    def is_total(row: RawRow) -> bool:
        if compact(row.cell(0)) in ("合计", "总计"):
            return True
        return len(code_cols) > 1 and compact(row.cell(name_col)) in ("合计", "总计") and (
            _is_level_row(row, code_cols) or not any(compact(row.cell(p)) for p in code_cols))

    def is_data(row: RawRow) -> bool:
        return is_total(row) or _joined_code(row, code_cols) is not None

    header, numbers, data = _split_header(raw, is_data)
    if data and is_total(data[0]) and numbers is None:
        # Some templates print the sub-column names (合计|基本支出|项目支出) on the 合计 row itself.
        words = [p for p in range(name_col + 1, width)
                 if compact(data[0].cell(p)) and classify_cell(data[0].cell(p))[0] is CellKind.TEXT]
        if words:
            first = data[0]
            header.append(RawRow(cells=["" if p <= name_col else c for p, c in enumerate(first.cells)],
                                 location=first.location))
            data[0] = RawRow(cells=[c if p <= name_col or p not in words else "" for p, c in enumerate(first.cells)],
                             location=first.location)
    labels = _header_labels(header, width)
    inner = _innermost_labels([r for r in header if not _is_level_row(r, code_cols)], width)
    if numbers is not None:
        positions = [p for p in range(width) if compact(numbers.cell(p)).isdigit()]
    else:
        positions = [p for p in range(name_col + 1, width) if labels[p]]
    if not positions:
        raise TableReadError(f"{table_label(table.id)}：找不到金额列")
    mapping = _map_columns({p: labels[p] for p in positions}, raw.spec.columns, f"{table_label(table.id)}",
                           inner={p: inner[p] for p in positions} if numbers is None else None)
    table.columns = {key: labels[p] for p, key in mapping.items()}
    for row in data:
        total = is_total(row)
        code = None if total else _joined_code(row, code_cols)
        if code is None and not total:
            if _is_footer(row):
                continue
            raise TableReadError(f"{table_label(table.id)}：第{row.location.line or '?'}行无法识别：{' | '.join(row.cells)}")
        stray = [p for p in range(name_col + 1, width) if p not in mapping and compact(row.cell(p))]
        if stray and numbers is None:
            raise TableReadError(f"{table_label(table.id)}：第{row.location.page or '?'}页有数据的列没有表头："
                                 f"{' | '.join(row.cells)}")
        name = compact(row.cell(name_col)) if code else "合计"
        key = code or "total"
        label = f"{code} {name}" if code else "合计"
        cells = {col: _cell(row.cell(p), table.unit, _loc(table, row, label, table.columns[col])) for p, col in mapping.items()}
        table.rows.append(Row(key=key, label=name, code=code, cells=cells, location=_loc(table, row, label, "")))
    _check_mapping(table)


def _is_footer(row: RawRow) -> bool:
    t = compact(" ".join(row.cells))
    return t.startswith(("注", "说明", "备注")) or not t


# --- two-sided tables: 01, 04 ----------------------------------------------------------------------


def _read_two_sided(raw: RawTable, table: Table) -> None:
    def is_data(row: RawRow) -> bool:
        return compact(row.cell(0)).startswith("一、") or any(
            compact(c) and match_key(c, INCOME_LINES_01) == "general" for c in row.cells[:1]
        )

    header, _numbers, data = _split_header(raw, is_data)
    if not data:
        raise TableReadError(f"{table_label(table.id)}：找不到数据行")
    # The header row naming 项目 twice tells where the expenditure side starts.
    split = None
    for row in header:
        items = [p for p, c in enumerate(row.cells) if compact(c) == "项目"]
        if len(items) >= 2:
            split = items[1]
            header_row = row
            break
    if split is None:
        raise TableReadError(f"{table_label(table.id)}：找不到收入和支出两栏的分界")
    width = max(len(r.cells) for r in raw.rows)
    labels = _header_labels([header_row], width)

    def side_columns(start: int, stop: int) -> tuple[int, int | None, dict[int, str]]:
        line_col = next((p for p in range(start, stop) if labels[p] == "行次"), None)
        amount_positions = [p for p in range(start, stop) if p != start and p != line_col]
        if table.id == "01" or len(amount_positions) == 1:
            if len(amount_positions) != 1:
                raise TableReadError(f"{table_label(table.id)}：金额列不止一列")
            return start, line_col, {amount_positions[0]: "amount"}
        mapping = _map_columns({p: labels[p] for p in amount_positions}, raw.spec.columns, f"{table_label(table.id)}支出栏")
        return start, line_col, mapping

    in_label, in_line, in_cols = side_columns(0, split)
    ex_label, ex_line, ex_cols = side_columns(split, width)
    for p, key in {**in_cols, **ex_cols}.items():
        table.columns.setdefault(key, labels[p])

    income_state = "lines"  # after 年初结转和结余, fund names are the opening balance by fund
    expense_state = "lines"
    for row in data:
        # income side
        label = normalise(row.cell(in_label)).strip()
        line_no = compact(row.cell(in_line)) if in_line is not None else None
        if label:
            key = match_key(label, INCOME_LINES_01)
            if key in ("general", "fund", "soe", "opening_general", "opening_fund", "opening_soe"):
                base = key.replace("opening_", "")
                key = f"opening_{base}" if income_state == "opening" else base
            if key == "opening":
                income_state = "opening"
            if key is None:
                key = f"unlabeled:{compact(label)}"
            cells = {col: _cell(row.cell(p), table.unit, _loc(table, row, label, "金额")) for p, col in in_cols.items()}
            table.rows.append(Row(key=key, label=strip_ordinal(label), cells=cells, line_no=line_no, section="income",
                                  location=_loc(table, row, label, "")))
        elif any(compact(row.cell(p)) for p in in_cols):
            raise TableReadError(f"{table_label(table.id)}：收入栏第{line_no or '?'}行有金额却没有项目名称")
        # expenditure side
        label = normalise(row.cell(ex_label)).strip()
        line_no = compact(row.cell(ex_line)) if ex_line is not None else None
        values = {col: row.cell(p) for p, col in ex_cols.items()}
        if not label and not any(compact(v) for v in values.values()):
            continue
        code = class_code_for_name(label) if label else None
        if code:
            key = code
        elif label:
            key = match_key(label, EXPENSE_LINES_01) or f"unlabeled:{compact(label)}"
            if key == "closing":
                expense_state = "closing"
        else:
            # 04 prints the closing balance by fund on unlabeled lines under 年末结转和结余.
            key = f"closing_line:{line_no}" if expense_state == "closing" else f"unlabeled:{line_no}"
        cells = {col: _cell(v, table.unit, _loc(table, row, label or f"行次{line_no}", table.columns.get(col, col)))
                 for col, v in values.items()}
        table.rows.append(Row(key=key, label=strip_ordinal(label), code=code, cells=cells, line_no=line_no,
                              section="expense", location=_loc(table, row, label, "")))


# --- panels: 06 ----------------------------------------------------------------------------------


_PANEL_CODE_HEADERS = ("科目代码", "代码", "科目编码", "经济分类科目编码", "经济分类", "编码")


def _panel_columns(header: list[RawRow], width: int) -> list[tuple[list[int], int, int]]:
    """Each panel's (code columns, name column, amount column) from the header.

    A panel opens where a header cell names the code (科目代码, 经济分类科目编码, 经济分类); its code sits
    in one column or in 类|款 columns when a lower header row says so.
    """
    starts: list[int] = []
    for row in header:
        for p in range(width):
            if compact(row.cell(p)) in _PANEL_CODE_HEADERS and not any(abs(p - q) < 2 for q in starts):
                starts.append(p)
        if starts:
            break
    panels = []
    for p in sorted(starts):
        split = any(compact(r.cell(p)) == "类" and compact(r.cell(p + 1)) == "款" for r in header)
        codes = [p, p + 1] if split else [p]
        panels.append((codes, codes[-1] + 1, codes[-1] + 2))
    return panels


def _read_panels(raw: RawTable, table: Table) -> None:
    width = max((len(r.cells) for r in raw.rows), default=0)

    def is_data(row: RawRow) -> bool:
        if normalise_code(row.cell(0)) is not None:
            return True
        return bool(re.fullmatch(r"\d{3}", compact(row.cell(0)))) and _joined_code(row, [0, 1]) is not None

    header, _numbers, data = _split_header(raw, is_data)
    if not header:
        raise TableReadError("公开06表：找不到表头")
    panels = _panel_columns(header, width)
    if not panels:
        raise TableReadError("公开06表：找不到“科目代码”列")
    table.columns = {"amount": "决算数"}
    for row in data:
        first = compact(row.cell(0))
        if first.startswith("人员经费合计") or "合计" in first:
            _read_panel_totals(row, table)
            continue
        for codes, name_col, amount_col in panels:
            code = _joined_code(row, codes)
            if code is None:
                if any(compact(row.cell(p)) for p in codes) or compact(row.cell(amount_col)):
                    raise TableReadError(f"公开06表：第{row.location.page or '?'}页第{codes[0] + 1}列不是科目代码："
                                         f"{' | '.join(row.cells)}")
                continue
            name = compact(row.cell(name_col))
            label = f"{code} {name}"
            cell = _cell(row.cell(amount_col), table.unit, _loc(table, row, label, "决算数"))
            section = "personnel" if code[:3] in ("301", "303") else "public"
            table.rows.append(Row(key=code, label=name, code=code, cells={"amount": cell}, section=section,
                                  location=_loc(table, row, label, "")))
    _check_panels(table)


def _check_panels(table: Table) -> None:
    """Accept the panels only when most classes equal the sum of their 款 (the table's own sums)."""
    classes = [r for r in table.rows if r.code and len(r.code) == 3]
    checked = failed = 0
    for parent in classes:
        children = [r for r in table.rows if r.code and len(r.code) == 5 and r.code.startswith(parent.code)]
        cells = [parent.cells["amount"], *(c.cells["amount"] for c in children)]
        if not children or not any(c.amount is not None for c in cells):
            continue
        low = sum((c.cells["amount"].amount.low for c in children if c.cells["amount"].amount), Decimal(0))
        high = sum((c.cells["amount"].amount.high for c in children if c.cells["amount"].amount), Decimal(0))
        t = parent.cells["amount"].amount
        t_low, t_high = (t.low, t.high) if t is not None else (Decimal(0), Decimal(0))
        checked += 1
        if high < t_low or low > t_high:
            failed += 1
    if checked >= _MIN_ROWS_TO_JUDGE and failed * 2 > checked:
        raise TableReadError(f"公开06表：按表头识别的栏在{failed}/{checked}个类不满足“类＝所属各款之和”，"
                             "列的对应关系不可靠，不按此读取")


def _read_panel_totals(row: RawRow, table: Table) -> None:
    current = None
    for p, text in enumerate(row.cells):
        t = compact(text)
        if t.startswith("人员经费合计"):
            current = ("personnel_total", "人员经费合计")
        elif t.startswith("公用经费合计"):
            current = ("public_total", "公用经费合计")
        elif t and current:
            kind, _ = classify_cell(t)
            if kind is CellKind.AMOUNT:
                key, label = current
                cell = _cell(text, table.unit, _loc(table, row, label, "决算数"))
                table.rows.append(Row(key=key, label=label, cells={"amount": cell}, section="totals",
                                      location=_loc(table, row, label, "")))
                current = None
    for key, label in (("personnel_total", "人员经费合计"), ("public_total", "公用经费合计")):
        if table.row(key) is None:
            cell = _cell("", table.unit, _loc(table, row, label, "决算数"))
            table.rows.append(Row(key=key, label=label, cells={"amount": cell}, section="totals",
                                  location=_loc(table, row, label, "")))


# --- 三公: 09 ------------------------------------------------------------------------------------


def _is_half_row(row: RawRow) -> bool:
    """A header row of alternating 预算数 | 决算数 cells, one pair per item."""
    words = [compact(c) for c in row.cells if compact(c)]
    return len(words) >= 2 and all(w in ("预算数", "决算数", "预算", "决算") for w in words)


def _read_sangong(raw: RawTable, table: Table) -> None:
    numbers = next((r for r in raw.rows if _is_column_number_row(r)), None)
    if numbers is None:
        halves_row = next((r for r in raw.rows if _is_half_row(r)), None)
        if halves_row is None:
            raise TableReadError("公开09表：找不到栏次行，也找不到预算数/决算数表头，无法确定列")
        _read_sangong_by_halves(raw, table, halves_row)
        return
    index = raw.rows.index(numbers)
    header = [r for r in raw.rows[:index] if not r.is_empty]
    data = [r for r in raw.rows[index + 1:] if not r.is_empty and not _is_footer(r)]
    width = max(len(r.cells) for r in raw.rows)
    positions = [p for p in range(width) if compact(numbers.cell(p)).isdigit()]
    halves = _header_labels(header[:1], width, fill_forward_first=True)
    inner = _header_labels(header[1:], width)
    by_half: dict[str, dict[int, str]] = {}
    for p in positions:
        half = "budget" if "预算" in halves[p] else "final"
        label = inner[p] or halves[p].replace("预算数", "").replace("决算数", "")
        by_half.setdefault(half, {})[p] = label
    mapping: dict[int, str] = {}
    for half, labels in by_half.items():
        for p, key in _map_columns(labels, raw.spec.columns, f"公开09表{'预算数' if half == 'budget' else '决算数'}").items():
            mapping[p] = f"{half}_{key}"
            table.columns[f"{half}_{key}"] = ("预算数·" if half == "budget" else "决算数·") + labels[p]
    if len(data) > 1:
        raise TableReadError("公开09表：数据行不止一行")
    for row in data:
        cells = {key: _cell(row.cell(p), table.unit, _loc(table, row, "三公经费", table.columns[key])) for p, key in mapping.items()}
        table.rows.append(Row(key="sangong", label="三公经费", cells=cells, location=_loc(table, row, "三公经费", "")))


def _read_sangong_by_halves(raw: RawTable, table: Table, halves_row: RawRow) -> None:
    """The Shanghai layout: item names above, a 预算数|决算数 row under each item, no 栏次 row."""
    index = raw.rows.index(halves_row)
    header = [r for r in raw.rows[:index] if not r.is_empty]
    data = [r for r in raw.rows[index + 1:] if not r.is_empty and not _is_footer(r)]
    width = max(len(r.cells) for r in raw.rows)
    labels = _header_labels(header, width)
    inner = _innermost_labels(header, width)
    by_half: dict[str, dict[int, str]] = {}
    for p in range(width):
        word = compact(halves_row.cell(p))
        if word:
            by_half.setdefault("budget" if word.startswith("预算") else "final", {})[p] = labels[p]
    mapping: dict[int, str] = {}
    for half, half_labels in by_half.items():
        name = "预算数" if half == "budget" else "决算数"
        found = _map_columns(half_labels, raw.spec.columns, f"公开09表{name}", inner={p: inner[p] for p in half_labels})
        for p, key in found.items():
            mapping[p] = f"{half}_{key}"
            table.columns[f"{half}_{key}"] = f"{name}·{inner[p] or labels[p]}"
    if len(data) > 1:
        raise TableReadError("公开09表：数据行不止一行")
    for row in data:
        stray = [p for p in range(width) if p not in mapping and compact(row.cell(p))]
        if stray:
            raise TableReadError(f"公开09表：有数据的列没有表头：{' | '.join(row.cells)}")
        cells = {key: _cell(row.cell(p), table.unit, _loc(table, row, "三公经费", table.columns[key]))
                 for p, key in mapping.items()}
        table.rows.append(Row(key="sangong", label="三公经费", cells=cells, location=_loc(table, row, "三公经费", "")))
    _check_sangong(table)


def _check_sangong(table: Table) -> None:
    """Accept the mapping only when 合计 = the three items in at least one half that has figures."""
    row = table.row("sangong")
    if row is None:
        return
    results = []
    for half in ("budget", "final"):
        keys = [f"{half}_{k}" for k in ("total", "abroad", "vehicle", "reception")]
        cells = [row.cells.get(k) for k in keys]
        if any(c is None for c in cells) or not any(c.amount is not None and c.amount.value for c in cells):
            continue
        low = sum((c.amount.low for c in cells[1:] if c.amount), Decimal(0))
        high = sum((c.amount.high for c in cells[1:] if c.amount), Decimal(0))
        t = cells[0].amount
        t_low, t_high = (t.low, t.high) if t else (Decimal(0), Decimal(0))
        results.append(not (high < t_low or low > t_high))
    if results and not any(results):
        raise TableReadError("公开09表：按表头识别的列不满足“合计＝三项之和”，列的对应关系不可靠，不按此读取")


# --- 相关信息统计表: 10 ----------------------------------------------------------------------------


_STATS_SECTIONS = (("procurement", "政府采购"), ("running", "机关运行经费"), ("assets", "国有资产"))


def _read_stats(raw: RawTable, table: Table) -> None:
    section = None
    table.columns = {"value": "统计数"}
    for row in raw.rows:
        if row.is_empty:
            continue
        label = normalise(row.cell(0)).strip()
        t = compact(label)
        heading = next((key for key, word in _STATS_SECTIONS if word in t and re.match(r"^[一二三四五六]、", t)), None)
        if heading:
            section = heading
            continue
        if t in ("项目", "栏次") or not t:
            continue
        key = match_key(label, STATS_ROWS)
        if key is None:
            raise TableReadError(f"公开10表：无法识别的行“{label}”")
        if key == "procurement_total" and section not in (None, "procurement"):
            raise TableReadError(f"公开10表：“合计”出现在政府采购以外的部分：{label}")
        values = [c for c in row.cells[1:]]
        line_no = compact(values[0]) if values and compact(values[0]).isdigit() and len(values) > 1 else None
        printed = values[-1] if len(values) >= 2 else ""
        if len(values) == 1 and not compact(values[0]).isdigit():
            printed = values[0]
        unit = "辆" if key.startswith("vehicle") else "台" if key == "equipment_over_1m" else table.unit
        loc = _loc(table, row, label, "统计数")
        kind, _ = classify_cell(printed)
        cell = Cell(kind=kind, raw=printed.strip(),
                    amount=Amount.from_printed(printed, unit or "万元") if kind is CellKind.AMOUNT else None,
                    location=loc)
        table.rows.append(Row(key=key, label=strip_ordinal(label), cells={"value": cell}, line_no=line_no,
                              section=section, location=loc))


_LAYOUTS = {
    "coded": _read_coded,
    "two_sided": _read_two_sided,
    "panels": _read_panels,
    "sangong": _read_sangong,
    "stats": _read_stats,
}
