"""The canonical model of one disclosure: tables under canonical ids, narrative, annex.

Readers (text, PDF) build a :class:`Document`; rules read it and nothing else. Every cell and every
paragraph remembers where it came from, so every finding can point home.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterator

from juesuan.core.labels import table_label
from juesuan.core.money import Amount, CellKind


@dataclass(frozen=True)
class Location:
    """Where a figure or a sentence sits in the source document."""

    table: str | None = None  # canonical table id, "01".."10"
    row: str | None = None  # row label or code, as printed
    column: str | None = None  # column label, as printed (or its canonical name)
    page: int | None = None  # 1-based page in a PDF
    line: int | None = None  # 1-based line in a text source
    quote: str | None = None  # the narrative sentence, quoted

    def to_dict(self) -> dict:
        return {
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "page": self.page,
            "line": self.line,
            "quote": self.quote,
        }

    def describe(self) -> str:
        """A short Chinese pointer such as 公开05表 · 201 一般公共服务支出 · 基本支出 · 第11页."""
        parts = []
        if self.table:
            parts.append(table_label(self.table))
        if self.row:
            parts.append(self.row)
        if self.column:
            parts.append(self.column)
        if self.page:
            parts.append(f"第{self.page}页")
        elif self.line:
            parts.append(f"第{self.line}行")
        return " · ".join(parts)


@dataclass(frozen=True)
class Cell:
    """One printed table cell: its kind, its exact amount when it has one, and its source."""

    kind: CellKind
    raw: str
    amount: Amount | None
    location: Location

    @property
    def value(self) -> Decimal | None:
        """The amount in 万元, or None for blank, —— and text cells."""
        return self.amount.value if self.amount else None

    @property
    def is_dash(self) -> bool:
        return self.kind is CellKind.DASH

    @property
    def has_money(self) -> bool:
        """A nonzero amount is printed."""
        return self.amount is not None and self.amount.value != 0

    @property
    def summand(self) -> Amount | None:
        """The cell as a term of a sum: blank and —— count as an exact zero; text cannot be summed (None).

        The one place that says so, for the rules, the claim resolver, the workbook and the layouts' check.
        """
        if self.kind is CellKind.AMOUNT:
            return self.amount
        if self.kind in (CellKind.BLANK, CellKind.DASH):
            return Amount.exact(0)
        return None


@dataclass
class Row:
    """One row of a canonical table.

    ``key`` is canonical (a 功能分类/经济分类 code, or a name such as ``income_total``); ``label`` is
    the printed label; ``section`` tells the side or panel for two-sided and panelled tables.
    """

    key: str
    label: str
    cells: dict[str, Cell]
    code: str | None = None
    line_no: str | None = None  # 行次, as printed
    section: str | None = None
    location: Location = field(default_factory=Location)

    def cell(self, column: str) -> Cell | None:
        return self.cells.get(column)

    def amount(self, column: str) -> Amount | None:
        c = self.cells.get(column)
        return c.amount if c else None

    @property
    def level(self) -> str | None:
        """类 / 款 / 项 from the code length (functional 3/5/7 digits, economic 3/5)."""
        if not self.code:
            return None
        return {3: "类", 5: "款", 7: "项"}.get(len(self.code))


@dataclass
class Table:
    """A table under its canonical id (DOMAIN.md §2), with what the document printed around it."""

    id: str
    title: str
    rows: list[Row]
    columns: dict[str, str]  # canonical column key -> printed label
    unit: str | None  # 万元 / 元, from the table's own header; None when not stated
    label: str | None = None  # 公开05表 as printed
    unit_name: str | None = None  # 部门名称 line
    year: int | None = None
    empty_statement: str | None = None  # 本表无数据 and similar
    notes: list[str] = field(default_factory=list)
    pages: tuple[int, int] | None = None  # first and last page in a PDF
    location: Location = field(default_factory=Location)
    readable: bool = True  # False: found, but the reader could not map it (fail closed)
    unreadable_reason: str | None = None

    def rows_in(self, section: str | None) -> list[Row]:
        return [r for r in self.rows if r.section == section]

    def row(self, key: str, section: str | None = None) -> Row | None:
        for r in self.rows:
            if r.key == key and (section is None or r.section == section):
                return r
        return None

    def coded_rows(self) -> list[Row]:
        return [r for r in self.rows if r.code]

    def total_row(self) -> Row | None:
        return self.row("total")

    @property
    def has_data(self) -> bool:
        """Any amount (zero included) printed anywhere in the table."""
        return any(c.amount is not None for r in self.rows for c in r.cells.values())

    @property
    def has_money(self) -> bool:
        return any(c.has_money for r in self.rows for c in r.cells.values())

    @property
    def declared_empty(self) -> bool:
        return self.empty_statement is not None

    def iter_cells(self) -> Iterator[tuple[Row, str, Cell]]:
        for r in self.rows:
            for key, c in r.cells.items():
                yield r, key, c


@dataclass
class Paragraph:
    text: str
    location: Location


@dataclass
class Section:
    """A narrative section (情况说明 一 … 十), with its heading and paragraphs."""

    number: int  # 1-based, from the Chinese ordinal of its heading
    heading: str
    paragraphs: list[Paragraph]
    location: Location = field(default_factory=Location)
    table_id: str | None = None  # the table this section explains, when there is one

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


@dataclass
class Weight:
    name: str
    points: Decimal
    location: Location


@dataclass
class PerformanceEvaluation:
    """One 项目支出绩效自评表 of the annex (DOMAIN.md §4, last bullet)."""

    project: str | None
    budget: Amount | None  # 项目预算金额
    received: Amount | None  # 实际到位金额
    executed: Amount | None  # 实际执行金额
    stated_rate: tuple[Decimal, str] | None  # 预算执行率 as printed (value, text)
    header_weights: list[Weight]  # "产出指标 (30分)" and the like
    rule_weights: list[Weight]  # the scoring rule note: "产出指标50分"
    scores: list[Weight]  # 自评得分 per first-level indicator
    total_score: Weight | None
    location: Location = field(default_factory=Location)


@dataclass
class Document:
    """One disclosure, as read."""

    source: str
    unit_name: str | None
    year: int | None
    scope: str | None  # 部门 or 单位
    template: str | None  # "shanxi-10", "shanghai-9", ...
    tables: dict[str, Table]
    sections: list[Section]
    glossary: list[str]
    annex: list[PerformanceEvaluation]
    lines: list[str]  # the whole normalised text, for residue and name checks
    pages: int | None = None
    kind: str = "final"  # "final" (决算) or "budget" (预算)
    unit_name_mentions: list[tuple[str, Location]] = field(default_factory=list)
    year_mentions: list[tuple[int, Location]] = field(default_factory=list)

    def table(self, table_id: str) -> Table | None:
        t = self.tables.get(table_id)
        return t if t is not None and t.readable else None

    def section_for(self, table_id: str) -> Section | None:
        for s in self.sections:
            if s.table_id == table_id:
                return s
        return None

    def section(self, number: int) -> Section | None:
        for s in self.sections:
            if s.number == number:
                return s
        return None
