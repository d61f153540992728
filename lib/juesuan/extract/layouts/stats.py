"""10 部门决算公开相关信息统计表: labelled rows in sections (政府采购, 机关运行经费, 国有资产), one value each."""

from __future__ import annotations

import re

from juesuan.catalog import STATS_ROWS, match_key, strip_ordinal
from juesuan.core.labels import table_label
from juesuan.core.model import Row, Table
from juesuan.core.normalize import compact, normalise
from juesuan.extract.layouts.grid import TableReadError, cell_location, make_cell, page_of
from juesuan.extract.layouts.settings import SETTINGS, LayoutSettings
from juesuan.extract.rawtable import RawTable

_SECTIONS = (("procurement", "政府采购"), ("running", "机关运行经费"), ("assets", "国有资产"))


def read_stats(raw: RawTable, table: Table, settings: LayoutSettings = SETTINGS) -> None:
    where = table_label(table.id)
    section = None
    table.columns = {"value": "统计数"}
    for row in raw.rows:
        if row.is_empty:
            continue
        label = normalise(row.cell(0)).strip()
        t = compact(label)
        heading = next((key for key, word in _SECTIONS if word in t and re.match(r"^[一二三四五六]、", t)), None)
        if heading:
            section = heading
            continue
        if t in ("项目", "栏次") or not t:
            continue
        key = match_key(label, STATS_ROWS)
        if key is None:
            raise TableReadError(f"{where}：{page_of(row)}无法识别的行“{label}”")
        if key == "procurement_total" and section not in (None, "procurement"):
            raise TableReadError(f"{where}：{page_of(row)}“合计”出现在政府采购以外的部分：{label}")
        values = list(row.cells[1:])
        line_no = compact(values[0]) if values and compact(values[0]).isdigit() and len(values) > 1 else None
        printed = values[-1] if len(values) >= 2 else ""
        if len(values) == 1 and not compact(values[0]).isdigit():
            printed = values[0]
        unit = "辆" if key.startswith("vehicle") else "台" if key == "equipment_over_1m" else table.unit
        loc = cell_location(table, row, label, "统计数")
        table.rows.append(Row(key=key, label=strip_ordinal(label), cells={"value": make_cell(printed, unit, loc)},
                              line_no=line_no, section=section, location=loc))
