"""xlsx sheets an auditor can compute with: numbers as numbers, a bold frozen header, a filter, widths.

Every xlsx juesuan writes goes through :func:`write_sheet`, so every text cell passes
:func:`juesuan.core.safe.set_text` (never a formula, never an XML-illegal character).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from juesuan.core.safe import clean_text, set_text

AMOUNT_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
_PERCENT = re.compile(r"([+-]?\d+(\.\d+)?)%")

# Column kinds: "text" (default), "amount" (number, #,##0.00), "percent" (a figure in percent units,
# written as a fraction with 0.00%), "int", "wrap" (long text, wrapped).
TEXT, AMOUNT, PERCENT, INT, WRAP = "text", "amount", "percent", "int", "wrap"


def as_number(value) -> Decimal | None:
    """A printed plain number (thousands separators allowed) as Decimal; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value else None
    if isinstance(value, str):
        text = value.strip()
        if _NUMBER.fullmatch(text):
            try:
                return Decimal(text.replace(",", ""))
            except InvalidOperation:
                return None
    return None


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_sheet(wb, title: str, columns: list[str], rows: list[dict], kinds: dict[str, str] | None = None,
                *, empty_note: str = "本表无数据", header_note: list[tuple[str, str]] | None = None):
    """Append a sheet: optional key/value lines on top, then a table of ``rows`` under ``columns``.

    Numbers stay numbers; amounts get ``#,##0.00``; text is written as text. A sheet without rows
    says ``empty_note`` under its header instead of standing empty.
    """
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    kinds = kinds or {}
    ws = wb.create_sheet(clean_text(title)[:31])
    top = 1
    for key, value in header_note or []:
        set_text(ws.cell(row=top, column=1), key)
        ws.cell(row=top, column=1).font = Font(bold=True)
        _put(ws.cell(row=top, column=2), value, TEXT)
        top += 1
    if header_note:
        top += 1
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F2F2F2")
    widths = [_display_width(c) for c in columns]
    for j, name in enumerate(columns, start=1):
        cell = ws.cell(row=top, column=j)
        set_text(cell, name)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center", wrap_text=False)
    for i, record in enumerate(rows, start=top + 1):
        for j, name in enumerate(columns, start=1):
            value = record.get(name)
            cell = ws.cell(row=i, column=j)
            shown = _put(cell, value, kinds.get(name, TEXT))
            widths[j - 1] = max(widths[j - 1], _display_width(shown))
    if not rows:
        set_text(ws.cell(row=top + 1, column=1), empty_note)
    for j, name in enumerate(columns, start=1):
        limit = 60 if kinds.get(name) == WRAP else 40
        ws.column_dimensions[get_column_letter(j)].width = min(max(widths[j - 1] + 2, 6), limit)
    if columns:
        ws.freeze_panes = ws.cell(row=top + 1, column=1)
        if rows:
            ws.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{top + len(rows)}"
    return ws


def _put(cell, value, kind: str) -> str:
    """Write one value by its column kind; returns the text it shows (for the column width)."""
    from openpyxl.styles import Alignment

    if value is None or (isinstance(value, float) and value != value) or value == "":
        return ""
    if kind == PERCENT:
        number = _percent(value)
        if number is not None:
            cell.value = number / 100
            cell.number_format = PERCENT_FORMAT
            return f"{number:.2f}%"
    elif kind in (AMOUNT, INT):
        if kind == AMOUNT and isinstance(value, str) and _PERCENT.fullmatch(value.strip()):
            return _put(cell, value, PERCENT)
        number = as_number(value)
        if number is not None:
            if kind == INT and number == number.to_integral_value():
                cell.value = int(number)
                return str(int(number))
            cell.value = number
            cell.number_format = AMOUNT_FORMAT
            return f"{number:,.2f}"
    elif not isinstance(value, str) and as_number(value) is not None:
        cell.value = value
        return str(value)
    text = str(value)
    set_text(cell, text)
    if kind == WRAP:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        return text[:30]
    return text.splitlines()[0] if text else ""


def _percent(value) -> Decimal | None:
    if isinstance(value, str):
        m = _PERCENT.fullmatch(value.strip())
        if m:
            return Decimal(m.group(1))
    return as_number(value)


def new_workbook():
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    return wb


def save_atomic(wb, path) -> None:
    """Save the workbook and rename it into place (:func:`juesuan.core.files.write_atomic`)."""
    import io

    from juesuan.core.files import write_atomic

    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(path, buffer.getvalue())
