"""Turn a :class:`~juesuan.extract.rawtable.RawTable` grid into a canonical :class:`Table`, by layout family.

Each family is a small named strategy (:data:`STRATEGIES`), chosen by the table's kind in the catalog:

- ``coded`` (:mod:`.coded`): rows by 功能分类 code; one- or two-level headers, 其中 columns, codes joined or
  split over 类|款|项, the 合计 row above or below (or on every page);
- ``two_sided`` (:mod:`.two_sided`): an income side and an expenditure side (01, 04, 收支决算总表);
- ``panels`` (:mod:`.panels`): 06 in two to four panels, its totals row anywhere;
- ``sangong`` (:mod:`.sangong`): the 三公 table with its 预算数/决算数 halves, plain or transposed;
- ``stats`` (:mod:`.stats`): the 相关信息统计表.

Columns are mapped by meaning (the header words), never by position alone, and a mapping is accepted only
when the table's own sums hold with it (:mod:`.sanity`, over the catalog's identities). A table that cannot
be mapped comes back ``readable=False`` with the reason, naming the page and what was ambiguous: fail
closed, never guessed. Every word and threshold is in :class:`~.settings.LayoutSettings`.
"""

from __future__ import annotations

from dataclasses import replace

from juesuan.core.model import Table
from juesuan.core.normalize import compact
from juesuan.extract.layouts.codes import normalise_code
from juesuan.extract.layouts.coded import read_coded
from juesuan.extract.layouts.grid import TableReadError
from juesuan.extract.layouts.panels import read_panels
from juesuan.extract.layouts.sangong import read_sangong
from juesuan.extract.layouts.settings import SETTINGS, LayoutSettings
from juesuan.extract.layouts.stats import read_stats
from juesuan.extract.layouts.two_sided import read_two_sided
from juesuan.extract.rawtable import RawTable, is_meta_line, read_meta

STRATEGIES = {
    "coded": read_coded,
    "two_sided": read_two_sided,
    "panels": read_panels,
    "sangong": read_sangong,
    "stats": read_stats,
}

__all__ = ["STRATEGIES", "LayoutSettings", "SETTINGS", "TableReadError", "interpret", "normalise_code"]


def interpret(raw: RawTable, settings: LayoutSettings = SETTINGS) -> Table:
    """Interpret a raw table; an unreadable table comes back with ``readable=False`` and a reason."""
    raw = _unit_rows_to_meta(raw)
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
    try:
        STRATEGIES[raw.spec.kind](raw, table, settings)
    except TableReadError as exc:
        table.readable = False
        table.unreadable_reason = exc.reason
        table.rows = []
    return table


def _unit_rows_to_meta(raw: RawTable) -> RawTable:
    """Lines printed inside the ruled grid above the header (单位：元, 公开05表) are the table's meta, not its
    header: the amount unit is read per table wherever it is printed."""
    rows = list(raw.rows)
    moved = []
    while rows:
        filled = [c for c in rows[0].cells if compact(c)]
        if rows[0].is_empty:
            rows.pop(0)
            continue
        if len(filled) == 1 and is_meta_line(filled[0]) or all(is_meta_line(c) and "单位" in compact(c) for c in filled):
            moved.extend((c, rows[0].location) for c in filled)
            rows.pop(0)
            continue
        break
    if not moved:
        return raw
    return replace(raw, rows=rows, meta=[*raw.meta, *moved])
