"""Identities inside one table (DOMAIN.md §3).

Which figures sum to which is the identity catalog's (:mod:`juesuan.catalog.identities`), the same the layouts'
sanity check reads; the rules here say how each is checked and reported.
"""

from __future__ import annotations

from juesuan.catalog import CAPITAL_CONSTRUCTION_CLASSES
from juesuan.catalog.identities import (
    EXPENSE_CLASSES_TOTAL, HIERARCHY, ColumnSum, class_total, column_sum, expand_terms, row_sum,
)
from juesuan.core.model import Location, Row, Table
from juesuan.rules.base import Check, NotApplicable, Severity, rule
from juesuan.core.labels import table_label

BASIS_3 = "DOMAIN.md §3"


def _loc(table: Table, row: Row | None, column: str | None) -> Location:
    if row is None:
        return Location(table=table.id, page=table.pages[0] if table.pages else None, line=table.location.line)
    base = row.location
    label = f"{row.code} {row.label}" if row.code else row.label
    return Location(table=table.id, row=label, column=table.columns.get(column, column) if column else None,
                    page=base.page, line=base.line)


def _column_sum(check: Check, identity: ColumnSum) -> None:
    """Every row (of the identity's section): the result column = Σ sign × the term columns.

    A term column the table does not print is replaced by its own parts when the catalog says so (a 三公
    table without 小计), or left out (a 支出决算表 without 经营支出).
    """
    table = check.table(identity.table)
    compared = False
    for result, terms in identity.instances():
        present = expand_terms(identity, result, terms, table.columns) if result in table.columns else None
        if present is None:
            continue
        compared = True
        formula = "".join(("＋" if sign > 0 else "－") + table.columns.get(k, k) for sign, k in present).lstrip("＋")
        for row in table.rows:
            if identity.section is not None and row.section != identity.section:
                continue
            if not any(row.cell(c) and row.cell(c).amount is not None for c in (result, *(k for _, k in present))):
                continue
            label = row.label or (f"行次{row.line_no}" if row.line_no else row.key)
            check.sum_equals([(sign, check.value(row.cell(k))) for sign, k in present], check.value(row.cell(result)),
                             what=f"{label}：{table.columns[result]}＝{formula}", location=_loc(table, row, result))
    if not compared:
        raise NotApplicable(f"{table_label(identity.table)}缺少合计列或分项列")


def _hierarchy(check: Check, table_id: str) -> None:
    """Every parent code = Σ its children one level down, and 合计 = Σ 类, in every amount column."""
    table = check.table(table_id)
    coded = table.coded_rows()
    if not coded:
        if table.declared_empty or not table.has_data:
            raise NotApplicable(f"{table_label(table_id)}无数据")
        raise NotApplicable(f"{table_label(table_id)}没有科目行")
    levels = HIERARCHY[table_id]
    total = table.total_row()
    for column in table.columns:
        classes = [r for r in coded if len(r.code) == levels[0]]
        if total is not None and classes:
            _parent_sum(check, table, total, classes, column, "合计＝各类之和")
        for parent in coded:
            if len(parent.code) not in levels[:-1]:
                continue
            width = levels[levels.index(len(parent.code)) + 1]
            children = [r for r in coded if len(r.code) == width and r.code.startswith(parent.code)]
            if children:
                level = "款" if width == 5 else "项"
                _parent_sum(check, table, parent, children, column, f"{parent.code}{parent.label}＝所属各{level}之和")


def _parent_sum(check: Check, table: Table, parent: Row, children: list[Row], column: str, what: str) -> None:
    cells = [parent.cell(column), *(c.cell(column) for c in children)]
    if not any(c is not None and c.amount is not None for c in cells):
        return
    check.sum_equals([(1, check.value(c.cell(column))) for c in children], check.value(parent.cell(column)),
                     what=f"{what}（{table.columns.get(column, column)}）", location=_loc(table, parent, column))


def _side_amount(check: Check, table: Table, key: str, section: str, column: str = "amount"):
    row = table.row(key, section)
    return row, (check.value(row.cell(column)) if row is not None else None)


# --- 01 -----------------------------------------------------------------------------------------

def _row_sum(check: Check, table_id: str, name: str, column: str = "amount") -> None:
    """The catalog's row identity: the result row = Σ sign × the term rows (those printed), in one column."""
    identity = row_sum(table_id, name)
    table = check.table(table_id)
    row = table.row(identity.result, identity.section)
    if row is None:
        check.skip(f"找不到“{identity.what.split('＝')[0]}”行")
        return
    parts = []
    for index, (sign, key) in enumerate(identity.terms):
        part = table.row(key, identity.section)
        if part is None:
            if index == 0 and name.endswith("_total"):
                check.skip(f"找不到{key}行")
                return
            if identity.every_term:
                parts.append((sign, None))
            continue
        parts.append((sign, check.value(part.cell(column))))
    check.sum_equals(parts, check.value(row.cell(column)), what=identity.what, location=_loc(table, row, column))


def _classes_sum(check: Check, table_id: str, column: str = "amount") -> None:
    """The expenditure side's 功能分类 class rows = 本年支出合计."""
    table = check.table(table_id)
    classes = [r for r in table.rows_in("expense") if r.code]
    total = table.row(EXPENSE_CLASSES_TOTAL, "expense")
    if total is None:
        check.skip("找不到“本年支出合计”行")
        return
    if not classes:
        # An expenditure side by kind (基本支出 / 项目支出 …) rather than by 功能分类: nothing to sum here.
        check.skip("支出栏没有按功能分类列示的行")
        return
    suffix = f"（{table.columns.get(column, column)}）" if column != "amount" else ""
    check.sum_equals([(1, check.value(r.cell(column))) for r in classes], check.value(total.cell(column)),
                     what=f"本年支出合计＝各类支出之和{suffix}", location=_loc(table, total, column))


@rule("T01.income_lines", "公开01表：收入一至八项之和等于本年收入合计", BASIS_3, "tables")
def income_lines_sum_to_total_01(check: Check) -> None:
    _row_sum(check, "01", "income_lines")


@rule("T01.income_total", "公开01表：本年收入合计＋使用非财政拨款结余＋年初结转和结余＝收入总计", BASIS_3, "tables")
def income_side_grand_total_01(check: Check) -> None:
    _row_sum(check, "01", "income_total")


@rule("T01.expense_lines", "公开01表：支出各功能分类之和等于本年支出合计", BASIS_3, "tables")
def expense_classes_sum_to_total_01(check: Check) -> None:
    _classes_sum(check, "01")


@rule("T01.expense_total", "公开01表：本年支出合计＋结余分配＋年末结转和结余＝支出总计", BASIS_3, "tables")
def expense_side_grand_total_01(check: Check) -> None:
    _row_sum(check, "01", "expense_total")


@rule("T01.balanced", "公开01表：收入总计等于支出总计", BASIS_3, "tables")
def grand_totals_balance_01(check: Check) -> None:
    table = check.table("01")
    _, income = _side_amount(check, table, "grand_total", "income")
    row, expense = _side_amount(check, table, "grand_total", "expense")
    if row is None or income is None:
        check.skip("找不到两栏的“总计”行")
        return
    check.sum_equals([(1, income)], expense, what="支出总计＝收入总计", location=_loc(table, row, "amount"))


# --- 02, 03, 05, 07, 08: columns and hierarchy ---------------------------------------------------

@rule("T02.columns", "公开02表：每行本年收入合计＝财政拨款收入＋上级补助收入＋事业收入＋经营收入＋附属单位上缴收入＋其他收入", BASIS_3, "tables")
def income_columns_sum_02(check: Check) -> None:
    _column_sum(check, column_sum("02", "columns"))


@rule("T02.hierarchy", "公开02表：类＝所属款之和，款＝所属项之和，合计＝各类之和", BASIS_3, "tables")
def income_hierarchy_02(check: Check) -> None:
    _hierarchy(check, "02")


@rule("T03.columns", "公开03表：每行本年支出合计＝基本支出＋项目支出＋上缴上级支出＋经营支出＋对附属单位补助支出", BASIS_3, "tables")
def expense_columns_sum_03(check: Check) -> None:
    _column_sum(check, column_sum("03", "columns"))


@rule("T03.hierarchy", "公开03表：类＝所属款之和，款＝所属项之和，合计＝各类之和", BASIS_3, "tables")
def expense_hierarchy_03(check: Check) -> None:
    _hierarchy(check, "03")


@rule("T05.columns", "公开05表：每行小计＝基本支出＋项目支出", BASIS_3, "tables")
def general_budget_columns_05(check: Check) -> None:
    _column_sum(check, column_sum("05", "columns"))


@rule("T05.hierarchy", "公开05表：类＝所属款之和，款＝所属项之和，合计＝各类之和", BASIS_3, "tables")
def general_budget_hierarchy_05(check: Check) -> None:
    _hierarchy(check, "05")


@rule("T07.columns", "公开07表：每行本年支出＝基本支出＋项目支出", BASIS_3, "tables")
def fund_columns_07(check: Check) -> None:
    _column_sum(check, column_sum("07", "columns"))


@rule("T07.balance", "公开07表：每行年初结转和结余＋本年收入－本年支出＝年末结转和结余", BASIS_3, "tables")
def fund_row_balance_07(check: Check) -> None:
    _column_sum(check, column_sum("07", "balance"))


@rule("T07.hierarchy", "公开07表：类＝所属款之和，款＝所属项之和，合计＝各类之和", BASIS_3, "tables")
def fund_hierarchy_07(check: Check) -> None:
    _hierarchy(check, "07")


@rule("T08.columns", "公开08表：每行合计＝基本支出＋项目支出", BASIS_3, "tables")
def soe_columns_08(check: Check) -> None:
    _column_sum(check, column_sum("08", "columns"))


@rule("T08.hierarchy", "公开08表：类＝所属款之和，款＝所属项之和，合计＝各类之和", BASIS_3, "tables")
def soe_hierarchy_08(check: Check) -> None:
    _hierarchy(check, "08")


# --- 04 -----------------------------------------------------------------------------------------

@rule("T04.fund_columns", "公开04表：支出栏每行合计＝一般公共预算＋政府性基金＋国有资本经营", BASIS_3, "tables")
def fiscal_fund_columns_04(check: Check) -> None:
    _column_sum(check, column_sum("04", "fund_columns"))


@rule("T04.income_lines", "公开04表：一般公共预算＋政府性基金＋国有资本经营财政拨款＝本年收入合计", BASIS_3, "tables")
def fiscal_income_lines_04(check: Check) -> None:
    _row_sum(check, "04", "income_lines")


@rule("T04.expense_lines", "公开04表：各功能分类支出之和＝本年支出合计（每一列）", BASIS_3, "tables")
def fiscal_expense_classes_04(check: Check) -> None:
    table = check.table("04")
    for column in ("total", "general", "fund", "soe"):
        if column in table.columns:  # a template without 国有资本经营 prints no such column
            _classes_sum(check, "04", column)


@rule("T04.balance", "公开04表：本年收入＋年初结转和结余＝收入总计；本年支出＋年末结转和结余＝支出总计；两个总计相等", BASIS_3, "tables")
def fiscal_balance_04(check: Check) -> None:
    table = check.table("04")
    _row_sum(check, "04", "income_total")
    _row_sum(check, "04", "expense_total", column="total")
    _, income = _side_amount(check, table, "grand_total", "income")
    row, expense = _side_amount(check, table, "grand_total", "expense", "total")
    if row is not None and income is not None:
        check.sum_equals([(1, income)], expense, what="支出总计＝收入总计", location=_loc(table, row, "total"))


@rule("T04.fund_balance", "公开04表：每类资金本年收入＋年初结转和结余＝本年支出＋年末结转和结余", BASIS_3, "tables")
def fiscal_fund_balance_04(check: Check) -> None:
    table = check.table("04")
    spent = table.row("expense_total", "expense")
    closing = table.row("closing", "expense")
    for fund, name in (("general", "一般公共预算"), ("fund", "政府性基金"), ("soe", "国有资本经营")):
        income = table.row(fund, "income")
        opening = table.row(f"opening_{fund}", "income")
        if income is None or spent is None:
            check.skip(f"{name}：找不到收入或支出合计行")
            continue
        left = [(1, check.value(income.cell("amount")))]
        if opening is not None:
            left.append((1, check.value(opening.cell("amount"))))
        if closing is not None:
            left.append((-1, check.value(closing.cell(fund))))
        check.sum_equals(left, check.value(spent.cell(fund)),
                         what=f"{name}：本年支出＝本年收入＋年初结转和结余－年末结转和结余", location=_loc(table, spent, fund))


# --- 06 -----------------------------------------------------------------------------------------

@rule("T06.hierarchy", "公开06表：每个经济分类类＝所属款之和", BASIS_3, "tables")
def economic_hierarchy_06(check: Check) -> None:
    table = check.table("06")
    coded = table.coded_rows()
    if not coded:
        raise NotApplicable("公开06表没有科目行")
    parent_len, child_len = HIERARCHY["06"]
    for parent in (r for r in coded if len(r.code) == parent_len):
        children = [r for r in coded if len(r.code) == child_len and r.code.startswith(parent.code)]
        if children:
            _parent_sum(check, table, parent, children, "amount", f"{parent.code}{parent.label}＝所属各款之和")


def _class_total(check: Check, table_id: str, result: str) -> None:
    identity = class_total(table_id, result)
    table = check.table(table_id)
    total = table.row(identity.result)
    if total is None:
        check.skip(f"找不到“{identity.what}”")
        return
    parts = [(1, check.value(r.cell("amount"))) for r in table.coded_rows() if r.code in identity.classes]
    check.sum_equals(parts, check.value(total.cell("amount")), what=f"{identity.what}＝{'＋'.join(identity.classes)}",
                     location=_loc(table, total, "amount"))


@rule("T06.personnel", "公开06表：人员经费合计＝301工资福利支出＋303对个人和家庭的补助", BASIS_3, "tables")
def personnel_total_06(check: Check) -> None:
    _class_total(check, "06", "personnel_total")


@rule("T06.public", "公开06表：公用经费合计＝302＋307＋310＋312＋313＋399", BASIS_3, "tables")
def public_total_06(check: Check) -> None:
    _class_total(check, "06", "public_total")


@rule("T06.capital_construction", "公开06表：309、311基本建设类不得列基本支出金额", BASIS_3, "tables")
def no_capital_construction_06(check: Check) -> None:
    table = check.table("06")
    for row in table.coded_rows():
        if row.code[:3] not in CAPITAL_CONSTRUCTION_CLASSES:
            continue
        check.counted()
        cell = row.cell("amount")
        if cell is not None and cell.has_money:
            check.report(Severity.ERROR, f"{row.code}{row.label}属基本建设，不应在基本支出中列{cell.raw}",
                         _loc(table, row, "amount"), "——", cell.raw, cell.raw)


# --- 09 -----------------------------------------------------------------------------------------

def _sangong_row(check: Check):
    table = check.table("09")
    row = table.row("sangong")
    if row is None:
        if table.declared_empty:
            raise NotApplicable(f"公开09表说明“{table.empty_statement}”")
        raise NotApplicable("公开09表无数据行")
    return table, row


@rule("T09.total", "公开09表：合计＝因公出国（境）费＋公务用车购置及运行维护费＋公务接待费（预算数、决算数各自）", BASIS_3, "tables")
def sangong_total_09(check: Check) -> None:
    _sangong_row(check)
    _column_sum(check, column_sum("09", "total"))


@rule("T09.vehicle", "公开09表：公务用车购置及运行维护费小计＝购置费＋运行维护费（预算数、决算数各自）", BASIS_3, "tables")
def sangong_vehicle_09(check: Check) -> None:
    _sangong_row(check)
    _column_sum(check, column_sum("09", "vehicle"))


# --- 10 -----------------------------------------------------------------------------------------

@rule("T10.procurement", "公开10表：政府采购合计＝货物＋工程＋服务", BASIS_3, "tables")
def procurement_sum_10(check: Check) -> None:
    if check.table("10").row("procurement_total") is None:
        raise NotApplicable("公开10表没有政府采购部分")
    _row_sum(check, "10", "procurement", column="value")


@rule("T10.vehicles", "公开10表：车辆数合计＝各类用车之和", BASIS_3, "tables")
def vehicles_sum_10(check: Check) -> None:
    if check.table("10").row("vehicles_total") is None:
        raise NotApplicable("公开10表没有车辆数")
    _row_sum(check, "10", "vehicles", column="value")


@rule("T10.running_cost", "公开10表：机关运行经费只填行政单位或参照公务员法管理事业单位其中一行", BASIS_3, "tables")
def running_cost_single_kind_10(check: Check) -> None:
    table = check.table("10")
    rows = [table.row("running_admin"), table.row("running_civil")]
    if not any(rows):
        raise NotApplicable("公开10表没有机关运行经费部分")
    check.counted()
    filled = [r for r in rows if r is not None and r.cell("value").has_money]
    if len(filled) > 1:
        check.report(Severity.WARNING, "机关运行经费同时填列了行政单位和参照公务员法管理事业单位两行，单位性质不明",
                     _loc(table, filled[1], "value"), "只填一行", "两行均有金额")
