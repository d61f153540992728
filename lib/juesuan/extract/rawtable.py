"""A table as a reader found it: a title, the lines around it, and a grid of printed strings.

Readers (text, PDF) produce :class:`RawTable`; :mod:`juesuan.extract.layouts` turns it into a canonical
:class:`~juesuan.core.model.Table`. Keeping the two apart means every reader shares one interpretation of
what a column or a row means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from juesuan.catalog import TableSpec
from juesuan.core.model import Location
from juesuan.core.normalize import compact, normalise


@dataclass
class RawRow:
    cells: list[str]
    location: Location
    spans: dict[int, int] | None = None  # merged cells: start column -> end column (exclusive)

    def cell(self, i: int) -> str:
        return self.cells[i].strip() if i < len(self.cells) else ""

    @property
    def is_empty(self) -> bool:
        return not any(c.strip() for c in self.cells)


@dataclass
class RawTable:
    spec: TableSpec
    title: str
    location: Location
    meta: list[tuple[str, Location]] = field(default_factory=list)  # lines that are not grid rows
    rows: list[RawRow] = field(default_factory=list)
    pages: tuple[int, int] | None = None


_LABEL = re.compile(r"公开\s*0?(\d{1,2})\s*表?")
_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元|亿元|千元)")
_UNIT_NAME = re.compile(r"(?:部门|单位)名称\s*[:：]\s*(.*)")
_YEAR = re.compile(r"(20\d{2})\s*年度?")


def is_meta_line(text: str) -> bool:
    """A line around a table that is not part of its grid (label, unit, name, year, note, statement)."""
    t = compact(text)
    if not t:
        return True
    return bool(
        _LABEL.fullmatch(t)
        or t == "表"
        or _UNIT.search(t) and len(t) < 30
        or _UNIT_NAME.match(t)
        or re.fullmatch(r"20\d{2}年度?", t)
        or t.startswith(("注:", "注：", "说明:", "说明：", "备注"))
        or is_empty_statement(t)
    )


_EMPTY_STATEMENTS = ("本表无数据", "无数据", "本单位无", "本部门无", "无此项", "本年度无", "此表为空", "本表为空")


def is_empty_statement(text: str) -> bool:
    t = compact(text)
    return any(s in t for s in _EMPTY_STATEMENTS) and len(t) < 60


@dataclass
class TableMeta:
    label: str | None = None
    unit: str | None = None
    unit_name: str | None = None
    year: int | None = None
    notes: list[str] = field(default_factory=list)
    empty_statement: str | None = None


def read_meta(raw: RawTable) -> TableMeta:
    """Label, amount unit, unit name, year, notes and any 本表无数据 statement of a table."""
    meta = TableMeta()
    lines = [normalise(text).strip() for text, _ in raw.meta]
    pending_name = False
    for text in lines:
        t = compact(text)
        if not t:
            continue
        m = _LABEL.search(t)
        if m and meta.label is None and len(t) <= 8:
            meta.label = f"公开{int(m.group(1)):02d}表"
            continue
        m = _UNIT_NAME.match(text.strip())
        if m:
            name = m.group(1).strip()
            y = _YEAR.search(name)
            if y:
                meta.year = meta.year or int(y.group(1))
                name = name[: y.start()].strip()
            name_unit = _UNIT.search(name)
            if name_unit:
                meta.unit = meta.unit or name_unit.group(1)
                name = name[: name_unit.start()].strip()
            meta.unit_name = compact(name) or None
            pending_name = bool(meta.unit_name) and not y
            continue
        m = _UNIT.search(t)
        if m and len(t) < 80:  # "编制部门：…（汇总） 金额单位：万元" can be long
            meta.unit = m.group(1)
            pending_name = False
            continue
        if re.fullmatch(r"20\d{2}年度?", t):
            meta.year = int(t[:4])
            pending_name = False
            continue
        if t.startswith(("注:", "备注")) and not (is_empty_statement(t) and meta.empty_statement is None):
            meta.notes.append(text)
            pending_name = False
            continue
        if t.startswith(("说明:", "注:", "备注")) or is_empty_statement(t):
            if is_empty_statement(t):
                prefixed = t.startswith(("说明:", "注:", "备注:"))
                meta.empty_statement = text.split(":", 1)[-1].strip() if prefixed else text
            else:
                meta.notes.append(text)
            pending_name = False
            continue
        if pending_name and t != "表" and len(t) <= 20:
            # A unit name wrapped onto a second line ("阳泉市大数据管理" / "服务中心").
            meta.unit_name = (meta.unit_name or "") + t
            pending_name = False
    return meta
