"""Accept a mapping only when the table's own sums hold with it (DOMAIN.md §8).

The identities are the catalog's (:mod:`juesuan.catalog.identities`), the same the table rules check. A
mapping that breaks them on most comparisons is a misread grid, not a table full of errors: the table is
could-not-read, with the page and the identity that failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from juesuan.catalog.identities import HIERARCHY, column_sums, expand_terms
from juesuan.core.labels import table_label
from juesuan.core.model import Row, Table
from juesuan.core.money import signed_sum
from juesuan.extract.layouts.grid import TableReadError
from juesuan.extract.layouts.settings import SETTINGS, LayoutSettings


@dataclass
class Tally:
    checked: int = 0
    failed: list[tuple[Row, str]] = field(default_factory=list)

    def add(self, holds: bool | None, row: Row, what: str) -> None:
        if holds is None:
            return
        self.checked += 1
        if not holds:
            self.failed.append((row, what))


def _holds(row: Row, terms, result: str, parents: list[Row] | None = None) -> bool | None:
    """Whether Σ terms = result on this row, within the rounding envelope; None when nothing is printed."""
    cells = [row.cell(k) for _, k in terms] + [row.cell(result)]
    if not any(c is not None and c.amount is not None for c in cells):
        return None
    parts = []
    for sign, key in terms:
        c = row.cell(key)
        amount = c.summand if c is not None else None
        if c is not None and amount is None:
            return None  # text in an amount column: the rules say so; it says nothing about the mapping
        if amount is not None:
            parts.append((sign, amount))
    total_cell = row.cell(result)
    total = total_cell.summand if total_cell is not None else None
    if total is None:
        return None
    expected, envelope = signed_sum(parts, total)
    return abs(total.value - expected) <= envelope


def column_tally(table: Table) -> Tally:
    tally = Tally()
    for identity in column_sums(table.id):
        for result, terms in identity.instances():
            if result not in table.columns:
                continue
            present = expand_terms(identity, result, terms, table.columns)
            if present is None:
                continue
            what = f"{table.columns[result]}＝{'＋'.join(table.columns.get(k, k) if s > 0 else '－' + table.columns.get(k, k) for s, k in present)}"
            for row in table.rows:
                if identity.section is not None and row.section != identity.section:
                    continue
                tally.add(_holds(row, present, result), row, what)
    return tally


def hierarchy_tally(table: Table, column: str) -> Tally:
    """Every parent code = Σ its children (one level down), in one column."""
    tally = Tally()
    levels = HIERARCHY.get(table.id, ())
    coded = [r for r in table.rows if r.code]
    for parent in coded:
        if len(parent.code) not in levels[:-1]:
            continue
        child_len = levels[levels.index(len(parent.code)) + 1]
        children = [r for r in coded if len(r.code) == child_len and r.code.startswith(parent.code)]
        if not children:
            continue
        cells = [parent.cell(column), *(c.cell(column) for c in children)]
        if not any(c is not None and c.amount is not None for c in cells):
            continue
        parts = [(1, c.cell(column).summand) for c in children if c.cell(column) is not None]
        total = parent.cell(column).summand if parent.cell(column) is not None else None
        if total is None or any(p is None for _, p in parts):
            continue
        expected, envelope = signed_sum(parts, total)
        tally.add(abs(total.value - expected) <= envelope, parent, f"{parent.code}＝所属各{'款' if child_len == 5 else '项'}之和")
    return tally


def judge(table: Table, tally: Tally, settings: LayoutSettings = SETTINGS, *, min_comparisons: int | None = None) -> None:
    """Reject the mapping when most of the table's own sums fail with it."""
    least = settings.min_comparisons_to_judge if min_comparisons is None else min_comparisons
    failed = len(tally.failed)
    if tally.checked < least or failed <= tally.checked * settings.max_failed_share:
        return
    row, what = tally.failed[0]
    page = f"第{row.location.page}页" if row.location.page else ""
    raise TableReadError(
        f"{table_label(table.id)}：按表头识别的列在{failed}/{tally.checked}处不满足本表的勾稽关系"
        f"（如{page}“{row.label or row.key}”：{what}），列的对应关系不可靠，不按此读取")
