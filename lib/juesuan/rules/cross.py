"""Identities across tables, and the annex's performance self-evaluation (DOMAIN.md §4)."""

from __future__ import annotations

from decimal import Decimal

from juesuan.catalog import FISCAL_LINES, INCOME_LINE_TO_02_COLUMN, SANGONG_ITEMS_IN_06
from juesuan.core.model import Location
from juesuan.core.money import Amount, Interval
from juesuan.rules.base import Check, NotApplicable, Severity, rule
from juesuan.rules.tables import _loc
from juesuan.core.labels import table_label

BASIS_4 = "DOMAIN.md §4"


def _cell_value(check: Check, table, key: str, column: str, section: str | None = None):
    row = table.row(key, section)
    if row is None:
        return None, None
    return row, check.value(row.cell(column))


def _totals_equal(check: Check, source: tuple, target: tuple, what: str) -> None:
    """One figure of one table equals one figure of another: (table, row key, column, section) each."""
    source_table, target_table = check.table(source[0]), check.table(target[0])
    source_row, source_value = _cell_value(check, source_table, source[1], source[2], source[3])
    target_row, target_value = _cell_value(check, target_table, target[1], target[2], target[3])
    if source_row is None or target_row is None:
        check.skip(f"{what}：两表之一缺少该行")
        return
    check.sum_equals([(1, source_value)], target_value, what=what, location=_loc(target_table, target_row, target[2]))


@rule("X01_02.income_total", "公开01表本年收入合计＝公开02表合计", BASIS_4, "cross")
def income_total_01_vs_02(check: Check) -> None:
    _totals_equal(check, ("01", "income_total", "amount", "income"), ("02", "total", "total", None),
                  "02表合计与01表本年收入合计")


@rule("X01_02.income_lines", "公开01表各收入项＝公开02表合计行对应列（一＋二＋三＝财政拨款收入）", BASIS_4, "cross")
def income_lines_01_vs_02(check: Check) -> None:
    t01, t02 = check.table("01"), check.table("02")
    total02 = t02.total_row()
    if total02 is None:
        check.skip("02表没有合计行")
        return
    fiscal = [t01.row(k, "income") for k in FISCAL_LINES]
    if "fiscal" in t02.columns and any(fiscal):
        check.sum_equals([(1, check.value(r.cell("amount"))) for r in fiscal if r is not None],
                         check.value(total02.cell("fiscal")), what="02表财政拨款收入与01表一＋二＋三",
                         location=_loc(t02, total02, "fiscal"))
    for key, column in INCOME_LINE_TO_02_COLUMN.items():
        row = t01.row(key, "income")
        if row is None or column not in t02.columns:
            continue
        check.sum_equals([(1, check.value(row.cell("amount")))], check.value(total02.cell(column)),
                         what=f"02表{t02.columns[column]}与01表{row.label}", location=_loc(t02, total02, column))


@rule("X01_03.expense_total", "公开01表本年支出合计＝公开03表合计", BASIS_4, "cross")
def expense_total_01_vs_03(check: Check) -> None:
    _totals_equal(check, ("01", "expense_total", "amount", "expense"), ("03", "total", "total", None),
                  "03表合计与01表本年支出合计")


@rule("X01_03.expense_classes", "公开01表每类支出＝公开03表该类合计", BASIS_4, "cross")
def expense_classes_01_vs_03(check: Check) -> None:
    t01, t03 = check.table("01"), check.table("03")
    _classes_match(check, t01, "amount", t03, "total", "03表", "01表")


def _classes_match(check: Check, source, source_column: str, target, target_column: str, target_name: str,
                   source_name: str, source_section: str | None = "expense") -> None:
    """Each 类 of the source (01/04) equals the 类 row of the target; classes missing on either side too."""
    source_rows = {r.code: r for r in source.rows if r.code and (source_section is None or r.section == source_section)}
    target_rows = {r.code: r for r in target.coded_rows() if len(r.code) == 3}
    for code in sorted(set(source_rows) | set(target_rows)):
        s = source_rows.get(code)
        t = target_rows.get(code)
        sv = check.value(s.cell(source_column)) if s else Amount.exact(0)
        tv = check.value(t.cell(target_column)) if t else Amount.exact(0)
        if (s is None or not s.cell(source_column) or s.cell(source_column).amount is None) and t is None:
            continue
        where = _loc(target, t, target_column) if t else _loc(source, s, source_column)
        name = (t or s).label
        check.sum_equals([(1, sv)], tv, what=f"{code}{name}：{target_name}与{source_name}", location=where)


@rule("X04_01.income_lines", "公开04表三类财政拨款收入＝公开01表收入第一、二、三项", BASIS_4, "cross")
def fiscal_income_04_vs_01(check: Check) -> None:
    t04, t01 = check.table("04"), check.table("01")
    for key in FISCAL_LINES:
        r04, v04 = _cell_value(check, t04, key, "amount", "income")
        r01, v01 = _cell_value(check, t01, key, "amount", "income")
        if r04 is None or r01 is None:
            check.skip(f"{key}：两表之一缺少该行")
            continue
        check.sum_equals([(1, v01)], v04, what=f"04表{r04.label}与01表{r01.label}", location=_loc(t04, r04, "amount"))


@rule("X04_02.fiscal_income", "公开04表本年收入合计＝公开02表合计行财政拨款收入", BASIS_4, "cross")
def fiscal_income_04_vs_02(check: Check) -> None:
    t04, t02 = check.table("04"), check.table("02")
    r04, v04 = _cell_value(check, t04, "income_total", "amount", "income")
    total02 = t02.total_row()
    if r04 is None or total02 is None or "fiscal" not in t02.columns:
        check.skip("04表本年收入合计或02表财政拨款收入缺失")
        return
    check.sum_equals([(1, check.value(total02.cell("fiscal")))], v04, what="04表本年收入合计与02表财政拨款收入",
                     location=_loc(t04, r04, "amount"))


@rule("X04_05.general_budget", "公开04表一般公共预算财政拨款列（各类及合计）＝公开05表小计", BASIS_4, "cross")
def general_budget_04_vs_05(check: Check) -> None:
    t04, t05 = check.table("04"), check.table("05")
    _classes_match(check, t04, "general", t05, "total", "05表", "04表一般公共预算列")
    r04, v04 = _cell_value(check, t04, "expense_total", "general", "expense")
    total05 = t05.total_row()
    if r04 is not None and total05 is not None:
        check.sum_equals([(1, v04)], check.value(total05.cell("total")), what="05表合计与04表一般公共预算支出合计",
                         location=_loc(t05, total05, "total"))


@rule("X04_07.fund", "公开04表政府性基金列＝公开07表本年支出", BASIS_4, "cross")
def fund_04_vs_07(check: Check) -> None:
    _fund_column_vs_table(check, "fund", "07", "政府性基金")


@rule("X04_08.soe", "公开04表国有资本经营列＝公开08表合计", BASIS_4, "cross")
def soe_04_vs_08(check: Check) -> None:
    _fund_column_vs_table(check, "soe", "08", "国有资本经营")


def _fund_column_vs_table(check: Check, column: str, table_id: str, name: str) -> None:
    t04 = check.table("04")
    target = check.table(table_id)
    r04, v04 = _cell_value(check, t04, "expense_total", column, "expense")
    if r04 is None:
        check.skip("04表没有本年支出合计行")
        return
    total = target.total_row()
    tv = check.value(total.cell("total")) if total is not None else Amount.exact(0)
    where = _loc(target, total, "total") if total is not None else _loc(target, None, None)
    check.sum_equals([(1, v04)], tv, what=f"{table_label(table_id)}本年支出与04表{name}列", location=where)
    _classes_match(check, t04, column, target, "total", f"{table_id}表", f"04表{name}列")


@rule("X04_07_08.empty_declared", "公开04表无政府性基金或国有资本经营资金时，07、08表为空并说明", BASIS_4, "cross")
def empty_fund_tables_declared(check: Check) -> None:
    t04 = check.table("04")
    for column, table_id in (("fund", "07"), ("soe", "08")):
        has_money = any(c.has_money for r in t04.rows for k, c in r.cells.items() if k == column)
        income_row = t04.row(column, "income")
        has_money = has_money or (income_row is not None and income_row.cell("amount").has_money)
        target = check.doc.tables.get(table_id)
        if has_money:
            continue
        if target is None:
            check.skip(f"没有{table_label(table_id)}（由完整性规则报告）")
            continue
        if not target.readable:
            check.skip(f"{table_label(table_id)}无法读取，不能判断是否为空：{target.unreadable_reason}")
            continue
        check.counted()
        if target.has_money:
            check.report(Severity.ERROR, f"04表没有{table_id == '07' and '政府性基金' or '国有资本经营'}资金，{table_label(table_id)}却列有金额",
                         _loc(target, None, None), "空表", "有金额")
        elif not target.declared_empty:
            check.report(Severity.WARNING, f"{table_label(table_id)}为空，但没有“本表无数据”之类的说明", _loc(target, None, None),
                         "空表并加说明", "空表无说明")


@rule("X05_06.basic", "公开05表合计基本支出＝公开06表人员经费合计＋公用经费合计", BASIS_4, "cross")
def basic_05_vs_06(check: Check) -> None:
    t05, t06 = check.table("05"), check.table("06")
    total05 = t05.total_row()
    personnel, public = t06.row("personnel_total"), t06.row("public_total")
    if total05 is None or personnel is None or public is None:
        check.skip("05表合计或06表人员经费/公用经费合计缺失")
        return
    check.sum_equals([(1, check.value(personnel.cell("amount"))), (1, check.value(public.cell("amount")))],
                     check.value(total05.cell("basic")), what="05表基本支出与06表人员经费＋公用经费",
                     location=_loc(t05, total05, "basic"))


@rule("X05_03.within", "公开05表每行基本支出、项目支出不超过公开03表同一科目", BASIS_4, "cross")
def general_budget_within_all_money(check: Check) -> None:
    t05, t03 = check.table("05"), check.table("03")
    rows03 = {r.key: r for r in t03.rows}
    for row in t05.rows:
        other = rows03.get(row.key)
        for column in ("total", "basic", "project"):
            cell = row.cell(column)
            if cell is None or not cell.has_money:
                continue
            if other is None:
                check.counted()
                check.report(Severity.ERROR, f"05表科目{row.code or ''}{row.label}在03表中不存在", _loc(t05, row, column),
                             "03表有该科目", "缺失")
                break
            check.at_most(cell.amount, check.value(other.cell(column)),
                          what=f"{row.code or ''}{row.label}：05表{t05.columns.get(column)}不超过03表", location=_loc(t05, row, column))


@rule("X06_09.sangong_parts", "公开06表三公相关科目（30212、30231、31013、30217）不超过公开09表对应决算数", BASIS_4, "cross")
def sangong_items_within_09(check: Check) -> None:
    t06, t09 = check.table("06"), check.table("09")
    row09 = t09.row("sangong")
    for code, column in SANGONG_ITEMS_IN_06.items():
        row06 = t06.row(code)
        if row06 is None or not row06.cell("amount").has_money:
            if row06 is not None:
                check.counted()
            continue
        whole = check.value(row09.cell(f"final_{column}")) if row09 is not None else Amount.exact(0)
        check.at_most(row06.cell("amount").amount, whole, what=f"06表{code}{row06.label}不超过09表决算数",
                      location=_loc(t06, row06, "amount"))


# --- the annex: 项目支出绩效自评表 ----------------------------------------------------------------

def _evaluations(check: Check):
    if not check.doc.annex:
        raise NotApplicable("没有附件绩效自评表")
    return check.doc.annex


@rule("A.execution_rate", "绩效自评表：预算执行率＝实际执行金额÷实际到位金额（或÷预算金额）", BASIS_4, "annex")
def execution_rate(check: Check) -> None:
    for ev in _evaluations(check):
        if ev.stated_rate is None or ev.executed is None:
            check.skip(f"{ev.project}：未列预算执行率或执行金额")
            continue
        stated, text = ev.stated_rate
        half = Decimal(1).scaleb(-(len(str(stated).split(".")[1]) if "." in str(stated) else 0)) / 2
        loc = Location(table="附件", row=ev.project, column="预算执行率", line=ev.location.line, page=ev.location.page, quote=text)
        # The rate may be on 到位 (received) or on 预算 (budget); accept whichever the figures support.
        best = None
        for base in (ev.received, ev.budget):
            if base is None or base.value == 0:
                continue
            computed = ev.executed.value / base.value * 100
            if best is None or abs(computed - stated) < abs(best[0] - stated):
                best = (computed, base)
        if best is None:
            check.skip(f"{ev.project}：到位金额和预算金额均缺失")
            continue
        check.percent(Interval.of(ev.executed), Interval.of(best[1]), stated, half,
                      point=(ev.executed.value, best[1].value), what=f"{ev.project}预算执行率", location=loc)


@rule("A.score_within_weight", "绩效自评表：各一级指标自评得分不超过其分值", BASIS_4, "annex")
def score_within_weight(check: Check) -> None:
    for ev in _evaluations(check):
        weights = {w.name: w for w in ev.header_weights}
        weights.update({w.name: w for w in ev.rule_weights})  # the scoring rule is authoritative
        for score in ev.scores:
            weight = weights.get(score.name)
            if weight is None:
                check.skip(f"{score.name}：没有分值")
                continue
            check.counted()
            if score.points > weight.points:
                check.report(Severity.ERROR, f"{ev.project}：{score.name}自评得分{score.points}分，超过分值{weight.points}分",
                             score.location, f"≤{weight.points}", str(score.points), str(score.points - weight.points))


@rule("A.weights_total_100", "绩效自评表：评分规则各一级指标分值之和为100分", BASIS_4, "annex")
def weights_sum_to_100(check: Check) -> None:
    for ev in _evaluations(check):
        weights = ev.rule_weights or ev.header_weights
        if not weights:
            check.skip(f"{ev.project}：没有分值")
            continue
        check.counted()
        total = sum((w.points for w in weights), Decimal(0))
        if total != 100:
            source = "评分规则" if ev.rule_weights else "表头"
            check.report(Severity.ERROR, f"{ev.project}：{source}各一级指标分值合计{total}分，不是100分",
                         weights[0].location, "100", str(total), str(total - 100))


@rule("A.weights_consistent", "绩效自评表：表中各一级指标标注的分值与评分规则说明一致", BASIS_4, "annex")
def header_weights_match_rule(check: Check) -> None:
    for ev in _evaluations(check):
        if not ev.rule_weights or not ev.header_weights:
            check.skip(f"{ev.project}：缺少表头分值或评分规则")
            continue
        rule_weights = {w.name: w for w in ev.rule_weights}
        for header in ev.header_weights:
            stated = rule_weights.get(header.name)
            if stated is None:
                continue
            check.counted()
            if stated.points != header.points:
                check.report(Severity.ERROR,
                             f"{ev.project}：表中“{header.location.row}”标{header.points}分，评分规则写{header.name}{stated.points}分",
                             header.location, str(stated.points), str(header.points), str(header.points - stated.points))


@rule("A.total_score", "绩效自评表：总分＝各一级指标自评得分之和", BASIS_4, "annex")
def total_score_is_sum(check: Check) -> None:
    for ev in _evaluations(check):
        if ev.total_score is None or not ev.scores:
            check.skip(f"{ev.project}：缺少总分或分项得分")
            continue
        check.counted()
        total = sum((s.points for s in ev.scores), Decimal(0))
        if total != ev.total_score.points:
            check.report(Severity.ERROR, f"{ev.project}：总分{ev.total_score.points}分，各项得分合计{total}分",
                         ev.total_score.location, str(total), str(ev.total_score.points), str(ev.total_score.points - total))


@rule("A.project_funds", "绩效自评表：自评项目实际执行金额合计不超过公开03表项目支出", BASIS_4, "annex")
def evaluated_funds_within_projects(check: Check) -> None:
    evaluations = _evaluations(check)
    t03 = check.table("03")
    total = t03.total_row()
    if total is None:
        check.skip("03表没有合计行")
        return
    executed = [ev.executed for ev in evaluations if ev.executed is not None]
    if not executed:
        check.skip("自评表未列实际执行金额")
        return
    value = sum((a.value for a in executed), Decimal(0))
    half = sum((a.half_step for a in executed), Decimal(0))
    check.at_most(Amount(value, half, str(value)), check.value(total.cell("project")),
                  what="自评项目实际执行金额合计不超过03表项目支出", location=evaluations[0].location)
