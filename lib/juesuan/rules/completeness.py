"""Disclosure obligations (DOMAIN.md §7): what must be there, and what must not be left in."""

from __future__ import annotations


from juesuan.catalog import TABLES, templates
from juesuan.core.model import Location
from juesuan.core.normalize import compact
from juesuan.rules.base import Check, CouldNotCheck, NotApplicable, Severity, rule
from juesuan.rules.tables import _loc
from juesuan.core.labels import table_label

BASIS_7 = "DOMAIN.md §7"

@rule("C.required_tables", "按公开模板应公开的决算表齐全", BASIS_7, "completeness")
def required_tables_present(check: Check) -> None:
    template = templates.get(check.doc.template)
    # A table found but unreadable is not missing (C.tables_readable says so). With the template unknown,
    # only the tables every family has are expected, and their absence is a warning: the reader may have
    # failed to recognise a title, which is no proof the document lacks the table.
    required = templates.required_tables(check.doc.template)
    severity = Severity.ERROR if template is not None else Severity.WARNING
    where = f"（{template.name}）" if template is not None else "（未识别公开模板，按各模板共有的表）"
    for table_id in required:
        check.counted()
        if table_id not in check.doc.tables:
            name = template.table(table_id).title if template is not None else TABLES[table_id].name
            check.report(severity, f"缺少{table_label(table_id)}（{name}）{where}", Location(table=table_id),
                         "有此表", "缺失", None)

@rule("C.tables_readable", "找到的每张表都能读出（读不出的表不算空表）", BASIS_7, "completeness")
def tables_readable(check: Check) -> None:
    if not check.doc.tables:
        raise NotApplicable("没有表")
    for table in check.doc.tables.values():
        check.counted()
        if not table.readable:
            check.report(Severity.WARNING, f"{table_label(table.id)}无法读取，相关核对无法进行：{table.unreadable_reason}",
                         _loc(table, None, None), "可读", "无法读取", None)

@rule("C.empty_table_statement", "无数据的表须注明“本表无数据”之类的说明", BASIS_7, "completeness")
def empty_tables_say_so(check: Check) -> None:
    for table in check.doc.tables.values():
        if not table.readable or table.has_money:
            continue
        check.counted()
        if not table.declared_empty:
            check.report(Severity.WARNING, f"{table_label(table.id)}没有数据，也没有“本表无数据”之类的说明", _loc(table, None, None),
                         "空表附说明", "无说明", None)

@rule("C.function_depth", "公开02、03、05表功能分类列到项级（7位科目代码）", BASIS_7, "completeness")
def function_codes_down_to_item(check: Check) -> None:
    for table_id in ("02", "03", "05"):
        table = check.doc.table(table_id)
        if table is None:
            continue
        codes = [r.code for r in table.coded_rows()]
        for row in table.coded_rows():
            if len(row.code) == 7 or not (row.cell("total") and row.cell("total").has_money):
                continue
            check.counted()
            width = len(row.code) + 2
            if not any(len(c) == width and c.startswith(row.code) for c in codes):
                check.report(Severity.ERROR, f"{table_label(table_id)}{row.code}{row.label}未细化到{'款' if width == 5 else '项'}级",
                             _loc(table, row, "total"), "列到项级", f"{len(row.code)}位代码", None)

@rule("C.economic_depth", "公开06表经济分类列到款级（5位科目代码）", BASIS_7, "completeness")
def economic_codes_down_to_item(check: Check) -> None:
    table = check.table("06")
    itemised = {r.code[:3] for r in table.coded_rows() if len(r.code) == 5 and r.cell("amount").has_money}
    for row in table.coded_rows():
        if len(row.code) != 3 or not row.cell("amount").has_money:
            continue
        check.counted()
        if row.code not in itemised:
            check.report(Severity.ERROR, f"公开06表{row.code}{row.label}未细化到款级", _loc(table, row, "amount"),
                         "列到款级", "只有类级", None)

@rule("C.narrative_sections", "每张决算表在情况说明中都有对应的说明部分", BASIS_7, "completeness")
def narrative_section_per_table(check: Check) -> None:
    if not check.doc.sections:
        check.counted()
        check.report(Severity.ERROR, "没有情况说明部分", Location(), "有情况说明", "缺失", None)
        return
    explained = {s.table_id for s in check.doc.sections}
    template = templates.get(check.doc.template)
    expected = [t for t in check.doc.tables if template is None or t in template.explained]
    for table_id in expected:
        check.counted()
        if table_id not in explained:
            check.report(Severity.WARNING, f"情况说明中没有{table_label(table_id)}（{TABLES[table_id].name}）的说明部分",
                         Location(table=table_id), "有说明", "缺失", None)

@rule("C.sangong_explained", "三公经费说明列明出国团组人次、车辆购置和保有量、接待批次人次", BASIS_7, "completeness")
def sangong_explained_with_counts(check: Check) -> None:
    template = templates.get(check.doc.template)
    if template is not None and "09" not in template.table_ids:
        raise NotApplicable(f"{template.name}没有三公经费表")
    section = check.doc.section_for("09")
    if section is None:
        check.counted()
        check.report(Severity.ERROR, "情况说明中没有三公经费部分", Location(table="09"), "有说明", "缺失", None)
        return
    counts = {c.subject for c in check.context.claims if c.kind == "count" and c.table_id == "09"}
    table = check.doc.table("09")
    row = table.row("sangong") if table is not None and table.readable else None
    for needed, column in (("出国团组", "final_abroad"), ("购置车辆", "final_vehicle_purchase"),
                           ("车辆保有量", "final_vehicle_operation"), ("接待批次", "final_reception")):
        cell = row.cell(column) if row is not None else None
        if cell is not None and (cell.amount is None or cell.amount.value == 0) and cell.kind.value != "text":
            continue  # no money spent on the item: there is nothing to count
        check.counted()
        if needed not in counts:
            check.report(Severity.WARNING, f"三公经费说明没有列明{needed}数", Location(table="09", row=section.heading,
                                                                                     line=section.location.line,
                                                                                     page=section.location.page),
                         "列明数量", "未列", None)

_OTHER_MATTERS = (("机关运行经费", "机关运行经费"), ("政府采购", "政府采购"), ("国有资产占用", "国有资产"), ("预算绩效", "绩效"))

@rule("C.other_matters", "情况说明说明了机关运行经费、政府采购、国有资产占用和预算绩效", BASIS_7, "completeness")
def other_matters_explained(check: Check) -> None:
    if not check.doc.sections:
        raise NotApplicable("没有情况说明（由情况说明完整性规则报告）")
    template = templates.get(check.doc.template)
    if template is not None and not template.other_matters:
        raise NotApplicable(f"{template.name}的情况说明不含这些事项")
    text = compact("".join(s.heading + s.text for s in check.doc.sections))
    for name, word in _OTHER_MATTERS:
        check.counted()
        if word not in text:
            check.report(Severity.WARNING, f"情况说明没有说明{name}", Location(row="情况说明"), "有说明", "缺失", None)

@rule("C.glossary", "公开文件附有名词解释", BASIS_7, "completeness")
def glossary_present(check: Check) -> None:
    check.counted()
    if not check.doc.glossary:
        check.report(Severity.WARNING, "没有名词解释部分", Location(row="名词解释"), "有名词解释", "缺失", None)

@rule("C.unit_name", "全文单位名称一致（封面、各表部门名称、附件实施单位）", BASIS_7, "completeness")
def one_unit_name_throughout(check: Check) -> None:
    name = check.doc.unit_name
    if not name:
        raise CouldNotCheck("封面未写明单位名称")
    for mentioned, location in check.doc.unit_name_mentions:
        check.counted()
        if compact(mentioned) != compact(name):
            check.report(Severity.ERROR, f"单位名称不一致：此处为“{mentioned}”，封面为“{name}”", location, name, mentioned, None)

@rule("C.amount_unit", "每张表注明金额单位", BASIS_7, "completeness")
def tables_state_their_unit(check: Check) -> None:
    for table in check.doc.tables.values():
        check.counted()
        if table.unit is None:
            check.report(Severity.WARNING, f"{table_label(table.id)}没有注明金额单位，按万元核对", _loc(table, None, None),
                         "注明单位", "未注明", None)
