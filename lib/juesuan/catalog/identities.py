"""Which figures of one table sum to which (DOMAIN.md §3): the identity catalog.

One home for every identity inside a table. Two readers of it:

- the layouts' sanity check (:mod:`juesuan.extract.layouts.sanity`) accepts a column mapping only when the
  table's own sums hold with it;
- the table rules (:mod:`juesuan.rules.tables`) check the same identities and report where they fail.

Everything here is data over canonical keys (the column keys of :data:`juesuan.catalog.TABLES`, the row keys
the layouts give); nothing here reads a document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from juesuan.catalog import PERSONNEL_CLASSES, PROCUREMENT_PARTS, PUBLIC_CLASSES, VEHICLE_KINDS

Terms = tuple[tuple[int, str], ...]


def _plus(*keys: str) -> Terms:
    return tuple((1, k) for k in keys)


@dataclass(frozen=True)
class ColumnSum:
    """In every row of ``table`` (of ``section`` when given): ``result`` = Σ sign × column.

    ``halves``: the identity holds in each half separately, on columns named ``{half}_{key}`` (the 三公
    table's 预算数 and 决算数).
    """

    table: str
    name: str  # stable short name, also the suffix of the rule id (T02.columns)
    result: str
    terms: Terms
    section: str | None = None
    halves: tuple[str, ...] = ()

    def instances(self) -> Iterable[tuple[str, Terms]]:
        """(result column, terms) once per half, or once."""
        if not self.halves:
            yield self.result, self.terms
            return
        for half in self.halves:
            yield f"{half}_{self.result}", tuple((s, f"{half}_{k}") for s, k in self.terms)


@dataclass(frozen=True)
class RowSum:
    """In one column of ``table``: the row ``result`` = Σ sign × the rows ``terms`` (rows of ``section``)."""

    table: str
    name: str
    section: str | None
    result: str
    terms: Terms
    what: str  # the identity in Chinese, for findings
    every_term: bool = False  # a term row the table does not print makes the identity uncheckable


@dataclass(frozen=True)
class ClassTotal:
    """A total row = the sum of the rows of some 经济分类 classes (06 人员经费合计 = 301 + 303)."""

    table: str
    result: str
    classes: tuple[str, ...]
    what: str


SANGONG_HALVES = ("budget", "final")

COLUMN_SUMS: tuple[ColumnSum, ...] = (
    ColumnSum("02", "columns", "total", _plus("fiscal", "superior", "business", "operating", "affiliated", "other")),
    ColumnSum("03", "columns", "total", _plus("basic", "project", "remit", "operating", "subsidy")),
    ColumnSum("04", "fund_columns", "total", _plus("general", "fund", "soe"), section="expense"),
    ColumnSum("05", "columns", "total", _plus("basic", "project")),
    ColumnSum("07", "columns", "total", _plus("basic", "project")),
    ColumnSum("07", "balance", "closing", ((1, "opening"), (1, "income"), (-1, "total"))),
    ColumnSum("08", "columns", "total", _plus("basic", "project")),
    ColumnSum("09", "total", "total", _plus("abroad", "vehicle", "reception"), halves=SANGONG_HALVES),
    ColumnSum("09", "vehicle", "vehicle", _plus("vehicle_purchase", "vehicle_operation"), halves=SANGONG_HALVES),
)

#: Tables whose coded rows nest (parent code = Σ children, 合计 = Σ 类), with the code lengths of the levels.
HIERARCHY: dict[str, tuple[int, ...]] = {
    "02": (3, 5, 7), "03": (3, 5, 7), "05": (3, 5, 7), "07": (3, 5, 7), "08": (3, 5, 7),
    "06": (3, 5),  # 经济分类: 类 3 digits, 款 5
}

INCOME_LINE_KEYS_01 = ("general", "fund", "soe", "superior", "business", "operating", "affiliated", "other")

ROW_SUMS: tuple[RowSum, ...] = (
    RowSum("01", "income_lines", "income", "income_total", _plus(*INCOME_LINE_KEYS_01), "本年收入合计＝收入各项之和"),
    RowSum("01", "income_total", "income", "grand_total", _plus("income_total", "use_nonfiscal", "opening"),
           "收入总计＝本年合计＋结转结余各项"),
    RowSum("01", "expense_total", "expense", "grand_total", _plus("expense_total", "distribution", "closing"),
           "支出总计＝本年合计＋结转结余各项"),
    RowSum("04", "income_lines", "income", "income_total", _plus("general", "fund", "soe"), "本年收入合计＝三类财政拨款之和"),
    RowSum("04", "income_total", "income", "grand_total", _plus("income_total", "opening"), "收入总计＝本年合计＋结转结余各项"),
    RowSum("04", "expense_total", "expense", "grand_total", _plus("expense_total", "closing"), "支出总计＝本年合计＋结转结余各项"),
    RowSum("10", "procurement", None, "procurement_total", _plus(*PROCUREMENT_PARTS), "政府采购合计＝货物＋工程＋服务",
           every_term=True),
    RowSum("10", "vehicles", None, "vehicles_total", _plus(*VEHICLE_KINDS), "车辆数合计＝各类用车之和"),
)

#: 01 and 04: the 功能分类 class rows of the expenditure side sum to this row.
EXPENSE_CLASSES_TOTAL = "expense_total"

CLASS_TOTALS: tuple[ClassTotal, ...] = (
    ClassTotal("06", "personnel_total", PERSONNEL_CLASSES, "人员经费合计"),
    ClassTotal("06", "public_total", PUBLIC_CLASSES, "公用经费合计"),
)


def column_sums(table_id: str) -> tuple[ColumnSum, ...]:
    return tuple(i for i in COLUMN_SUMS if i.table == table_id)


def column_sum(table_id: str, name: str) -> ColumnSum:
    return next(i for i in COLUMN_SUMS if i.table == table_id and i.name == name)


def row_sum(table_id: str, name: str) -> RowSum:
    return next(i for i in ROW_SUMS if i.table == table_id and i.name == name)


def class_total(table_id: str, result: str) -> ClassTotal:
    return next(i for i in CLASS_TOTALS if i.table == table_id and i.result == result)


def expand_terms(identity: ColumnSum, result: str, terms: Terms, present: Iterable[str]) -> Terms | None:
    """The terms a table that prints only the columns ``present`` can be checked on.

    A column the table does not print is replaced by the columns it is the sum of when another identity says
    so (a 三公 table without a 小计 column still has 合计 = 出国 + 购置费 + 运行维护费 + 接待); otherwise it is
    left out (a 支出决算表 that prints no 经营支出 column). None when no term is left.
    """
    present = set(present)
    prefix = result[: len(result) - len(identity.result)]
    out: list[tuple[int, str]] = []
    for sign, key in terms:
        if key in present:
            out.append((sign, key))
            continue
        bare = key[len(prefix):]
        inner = next((i for i in column_sums(identity.table) if i.result == bare and i is not identity), None)
        if inner is None:
            continue
        sub = tuple((s, f"{prefix}{k}") for s, k in inner.terms)
        expanded = expand_terms(inner, f"{prefix}{inner.result}", sub, present) or ()
        out.extend((sign * s, k) for s, k in expanded)
    return tuple(out) or None
