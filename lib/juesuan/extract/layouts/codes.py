"""Classification codes as printed: joined (2010504) or split over 类|款|项 columns (201 | 05 | 04),
as floats from tabula (302.0)."""

from __future__ import annotations

import re

from juesuan.core.normalize import compact
from juesuan.extract.layouts.settings import SETTINGS, LayoutSettings
from juesuan.extract.rawtable import RawRow

_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")


def _digits(text: str) -> str:
    t = compact(text)
    if re.fullmatch(r"\d+\.0+", t):
        t = t.split(".")[0]
    return t


def normalise_code(text: str) -> str | None:
    """A 功能/经济分类 code as printed, or as tabula returns it ("302.0"); None if not a code."""
    t = _digits(text)
    return t if _CODE.match(t) else None


def code_columns(rows: list[RawRow], width: int, settings: LayoutSettings = SETTINGS) -> list[int]:
    """Where the code sits: one column, or 类|款(|项) columns side by side (a row naming the levels says so)."""
    levels = settings.level_words
    for row in rows:
        w = [compact(row.cell(p)) for p in range(width)]
        for p in range(width - 1):
            if w[p] == levels[0] and w[p + 1] == levels[1]:
                return [p, p + 1, p + 2] if p + 2 < width and w[p + 2] == levels[2] else [p, p + 1]
    return [0]


def joined_code(row: RawRow, columns: list[int]) -> str | None:
    """The code of a row, its parts joined when split over 类|款|项 columns (201 | 06 | 01).

    A whole code printed in the 类 column (a merged cell over the three) is read as it is.
    """
    if len(columns) == 1:
        return normalise_code(row.cell(columns[0]))
    parts = [_digits(row.cell(p)) for p in columns]
    if normalise_code(parts[0]) and not any(parts[1:]):
        return normalise_code(parts[0])
    if not re.fullmatch(r"\d{3}", parts[0]):
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


def is_level_row(row: RawRow, columns: list[int], settings: LayoutSettings = SETTINGS) -> bool:
    """The row naming the code levels: 类 | 款 | 项."""
    return len(columns) > 1 and [compact(row.cell(p)) for p in columns] == list(settings.level_words[: len(columns)])


def realign(row: RawRow, columns: list[int], width: int) -> RawRow:
    """A continuation page whose grid lost the split code columns (the code in one cell, the row
    ``len(columns) - 1`` cells short) put back on the first page's columns."""
    short = len(columns) - 1
    if short <= 0 or len(row.cells) != width - short:
        return row
    first = columns[0]
    if normalise_code(row.cell(first)) is None and compact(row.cell(first)):
        return row
    if re.fullmatch(r"\d{2}", _digits(row.cell(first + 1))):
        return row  # the 款 is in its own column: the codes are still split, the row is short for another reason
    cells = row.cells[: first + 1] + [""] * short + row.cells[first + 1:]
    return RawRow(cells=cells, location=row.location, spans=None)
