"""Find the table figure a narrative subject speaks of (情况说明 section + subject -> table cell).

The narrative restates the tables; which cell a subject means depends on the section it sits in
(支出合计 in section 三 is 公开03表's total, in section 一 it is 公开01表's). The mapping is data.
"""

from __future__ import annotations

from dataclasses import dataclass

from juesuan.catalog import FUNCTION_CLASSES
from juesuan.core.model import Document, Location, Table
from juesuan.core.money import Amount
from juesuan.core.normalize import compact
from juesuan.core.labels import table_label


@dataclass(frozen=True)
class Target:
    amount: Amount
    location: Location
    label: str  # e.g. 公开05表 201一般公共服务支出 小计


# section table id -> [(subject aliases, table, row key, section, column)]
_SUBJECTS: dict[str, list[tuple[tuple[str, ...], str, str, str | None, str]]] = {
    "01": [
        (("收入总计", "收入支出总计", "收支总计"), "01", "grand_total", "income", "amount"),
        (("支出总计",), "01", "grand_total", "expense", "amount"),
        (("收入合计", "本年收入合计", "本年收入"), "01", "income_total", "income", "amount"),
        (("支出合计", "本年支出合计", "本年支出"), "01", "expense_total", "expense", "amount"),
    ],
    "02": [
        (("收入合计", "本年收入合计", "收入总计", "收入"), "02", "total", None, "total"),
        (("财政拨款收入",), "02", "total", None, "fiscal"),
        (("上级补助收入",), "02", "total", None, "superior"),
        (("事业收入",), "02", "total", None, "business"),
        (("经营收入",), "02", "total", None, "operating"),
        (("附属单位上缴收入",), "02", "total", None, "affiliated"),
        (("其他收入",), "02", "total", None, "other"),
    ],
    "03": [
        (("支出合计", "本年支出合计", "支出总计", "支出"), "03", "total", None, "total"),
        (("基本支出",), "03", "total", None, "basic"),
        (("项目支出",), "03", "total", None, "project"),
        (("上缴上级支出",), "03", "total", None, "remit"),
        (("经营支出",), "03", "total", None, "operating"),
        (("对附属单位补助支出",), "03", "total", None, "subsidy"),
    ],
    "04": [
        (("财政拨款收入总计", "收入总计", "财政拨款收入支出总计", "财政拨款收支总计", "收入支出总计", "收支总计"),
         "04", "grand_total", "income", "amount"),
        (("财政拨款支出总计", "支出总计"), "04", "grand_total", "expense", "total"),
        (("财政拨款收入", "本年收入合计"), "04", "income_total", "income", "amount"),
        (("财政拨款支出", "本年支出合计"), "04", "expense_total", "expense", "total"),
    ],
    "05": [
        (("一般公共预算财政拨款支出", "一般公共预算财政拨款"), "05", "total", None, "total"),
        (("基本支出",), "05", "total", None, "basic"),
        (("项目支出",), "05", "total", None, "project"),
    ],
    "06": [
        (("财政拨款基本支出", "基本支出", "一般公共预算财政拨款基本支出"), "05", "total", None, "basic"),
        (("人员经费",), "06", "personnel_total", None, "amount"),
        (("公用经费",), "06", "public_total", None, "amount"),
    ],
    "09": [
        (("三公经费财政拨款支出", "三公经费支出", "三公经费"), "09", "sangong", None, "final_total"),
        (("因公出国(境)费支出", "因公出国(境)费"), "09", "sangong", None, "final_abroad"),
        (("公务用车购置费支出", "公务用车购置支出", "公务用车购置费"), "09", "sangong", None, "final_vehicle_purchase"),
        (("公务用车购置及运行维护费支出", "公务用车购置及运行维护费"), "09", "sangong", None, "final_vehicle"),
        (("公务用车运行维护费支出", "公务用车运行维护费", "公务用车运行维护支出"), "09", "sangong", None,
         "final_vehicle_operation"),
        (("公务接待费支出", "公务接待费"), "09", "sangong", None, "final_reception"),
    ],
    "10": [
        (("政府采购支出总额", "政府采购支出"), "10", "procurement_total", None, "value"),
        (("政府采购货物支出", "货物"), "10", "procurement_goods", None, "value"),
        (("政府采购工程支出", "工程"), "10", "procurement_works", None, "value"),
        (("政府采购服务支出", "服务"), "10", "procurement_services", None, "value"),
    ],
}


def _cell_target(doc: Document, table_id: str, key: str, section: str | None, column: str) -> Target | None:
    table = doc.table(table_id)
    if table is None:
        return None
    row = table.row(key, section)
    if row is None:
        if table.declared_empty and not table.has_data:
            # An empty table with its statement: every figure in it is an exact zero.
            return Target(Amount.exact(0), Location(table=table_id, row=table.empty_statement), f"{table_label(table_id)}（{table.empty_statement}）")
        return None
    cell = row.cell(column)
    if cell is None:
        return None
    amount = cell.summand
    if amount is None:
        return None
    label = table.columns.get(column, column)
    return Target(amount, cell.location, f"{table_label(table_id)} {row.label} {label}".strip())


def _by_row_name(doc: Document, table_id: str, name: str, column: str, level: str | None = None) -> Target | None:
    table: Table | None = doc.table(table_id)
    if table is None:
        return None
    wanted = {compact(name), compact(name).removesuffix("支出")}
    matches = [row for row in table.rows
               if row.code and not (level and row.level != level)
               and (compact(row.label) in wanted or compact(row.label).removesuffix("支出") in wanted)]
    if not matches:
        return None
    # The same name may stand under several classes (办公设备购置: 30902 基本建设, 31002 资本性支出):
    # the row that carries money is the one the narrative restates; —— rows never are.
    with_money = [r for r in matches if r.cell(column) is not None and r.cell(column).has_money]
    not_dash = [r for r in matches if r.cell(column) is not None and not r.cell(column).is_dash]
    row = (with_money or not_dash or matches)[0]
    return _cell_target(doc, table_id, row.key, row.section, column)


def resolve(doc: Document, section_table: str | None, subject: str, level: str | None = None) -> Target | None:
    """The table figure a subject of a given section restates, or None when the narrative names
    something the tables do not hold (国内接待费, 年初预算 …)."""
    if not subject or section_table is None:
        return None
    s = compact(subject)
    for aliases, table_id, key, side, column in _SUBJECTS.get(section_table, []):
        if s in (compact(a) for a in aliases):
            return _cell_target(doc, table_id, key, side, column)
    if section_table == "05":
        return _by_row_name(doc, "05", s, "total", level)
    if section_table == "06":
        return _by_row_name(doc, "06", s, "amount")
    if section_table in ("01", "03") and s.removesuffix("(类)") in FUNCTION_CLASSES.values():
        return _by_row_name(doc, "03", s, "total", "类")
    return None
