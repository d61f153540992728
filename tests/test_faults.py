"""Fault injection on the seed: change one figure or one phrase, name the rule that must fail.

Driven by data: each case is (id, a function of the seed text, the rule that must fail). Every rule
in the registry has at least one case (checked below), so a rule that cannot fail is caught.
"""

from __future__ import annotations

import pytest

from juesuan.engine import audit
from juesuan.extract.text import read_text
from juesuan.rules import Severity, Status, registry

from conftest import delete_lines, replace_after, replace_once, set_cells

T01 = "收入支出决算总表"
T02 = "收入决算表"
T03 = "支出决算表"
T04 = "财政拨款收入支出决算总表"
T05 = "一般公共预算财政拨款支出决算表"
T06 = "一般公共预算财政拨款基本支出决算明细表"
T07 = "政府性基金预算财政拨款收入支出决算表"
T08 = "国有资本经营预算财政拨款支出决算表"
T09 = "财政拨款“三公”经费支出决算表"
T10 = "部门决算公开相关信息统计表"

FUND_07 = ("合计\t\t10.00\t5.00\t8.00\t8.00\t\t7.00\n"
           "212\t城乡社区支出\t10.00\t5.00\t8.00\t8.00\t\t7.00\n"
           "21208\t国有土地使用权出让收入安排的支出\t10.00\t5.00\t8.00\t8.00\t\t7.00\n"
           "2120801\t征地和拆迁补偿支出\t10.00\t5.00\t8.00\t8.00\t\t7.00\n")
SANGONG_09 = "0.50\t0.10\t0.30\t0.10\t0.20\t0.10\t0.40\t0.10\t0.20\t0\t0.20\t0.10"


def with_07(text: str, rows: str = FUND_07) -> str:
    return replace_after(text, T07, "合计\t\t\t\t\t\t\t\n", rows)


def with_08(text: str, rows: str) -> str:
    return replace_after(text, T08, "合计\t\t\t\t\n", rows)


def with_09(text: str, row: str) -> str:
    return replace_after(text, T09, "\n1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\n", "\n1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\n" + row + "\n")


CASES = [
    # --- within tables (DOMAIN.md §3)
    ("01 income line changed", lambda t: set_cells(t, T01, "一、一般公共预算财政拨款收入", {2: "360.65"}), "T01.income_lines"),
    ("01 income total off", lambda t: set_cells(t, T01, "总计", {2: "375.65"}), "T01.income_total"),
    ("01 class changed", lambda t: set_cells(t, T01, "八、其他收入", {5: "78.85"}), "T01.expense_lines"),
    ("01 closing balance added", lambda t: set_cells(t, T01, "年初结转和结余", {5: "10.00"}), "T01.expense_total"),
    ("01 grand totals differ", lambda t: set_cells(set_cells(t, T01, "使用非财政拨款结余", {2: "5.00"}), T01, "总计", {2: "370.65"}),
     "T01.balanced"),
    ("02 columns", lambda t: set_cells(t, T02, "2010504", {3: "248.28"}), "T02.columns"),
    ("02 hierarchy", lambda t: set_cells(t, T02, "2101102", {2: "12.66", 3: "12.66"}), "T02.hierarchy"),
    ("03 columns", lambda t: set_cells(t, T03, "2013299", {3: "0.50"}), "T03.columns"),
    ("03 hierarchy", lambda t: set_cells(t, T03, "2080506", {2: "14.68", 3: "14.68"}), "T03.hierarchy"),
    ("04 fund columns", lambda t: set_cells(t, T04, "一、一般公共预算财政拨款", {6: "248.89"}), "T04.fund_columns"),
    ("04 income lines", lambda t: set_cells(t, T04, "一、一般公共预算财政拨款", {2: "360.65"}), "T04.income_lines"),
    ("04 class lines", lambda t: set_cells(t, T04, "\t9\t", {5: "14.02", 6: "14.02"}), "T04.expense_lines"),
    ("04 grand total", lambda t: set_cells(t, T04, "总计", {2: "366.65"}), "T04.balance"),
    ("04 fund opening", lambda t: set_cells(t, T04, "一般公共预算财政拨款\t29", {2: "5.00"}), "T04.fund_balance"),
    ("05 columns", lambda t: set_cells(t, T05, "20132", {4: "0.10"}), "T05.columns"),
    ("05 hierarchy", lambda t: set_cells(t, T05, "2080502", {2: "37.80", 3: "37.80"}), "T05.hierarchy"),
    ("06 item changed", lambda t: set_cells(t, T06, "30101", {2: "96.11"}), "T06.hierarchy"),
    ("06 personnel total", lambda t: set_cells(t, T06, "人员经费合计", {2: "332.72"}), "T06.personnel"),
    ("06 public total", lambda t: set_cells(t, T06, "人员经费合计", {11: "18.95"}), "T06.public"),
    ("06 capital construction", lambda t: set_cells(t, T06, "30109", {8: "1.00"}), "T06.capital_construction"),
    ("07 columns", lambda t: with_07(t, FUND_07.replace("8.00\t8.00\t\t7.00", "8.00\t6.00\t\t7.00", 1)), "T07.columns"),
    ("07 balance", lambda t: with_07(t, FUND_07.replace("8.00\t\t7.00", "8.00\t\t9.00", 1)), "T07.balance"),
    ("07 hierarchy", lambda t: with_07(t, FUND_07.replace("212\t城乡社区支出\t10.00", "212\t城乡社区支出\t12.00")), "T07.hierarchy"),
    ("08 columns", lambda t: with_08(t, "合计\t\t8.00\t6.00\t1.00\n"), "T08.columns"),
    ("08 hierarchy", lambda t: with_08(t, "合计\t\t8.00\t8.00\t\n223\t国有资本经营预算支出\t7.00\t7.00\t\n"), "T08.hierarchy"),
    ("09 total", lambda t: with_09(t, SANGONG_09.replace("0.50", "0.60", 1)), "T09.total"),
    ("09 vehicle subtotal", lambda t: with_09(t, "0.50\t0.10\t0.30\t0.10\t0.10\t0.10\t0.40\t0.10\t0.20\t0\t0.20\t0.10"),
     "T09.vehicle"),
    ("10 procurement", lambda t: set_cells(t, T10, "货物", {2: "0.25"}), "T10.procurement"),
    ("10 vehicles", lambda t: set_cells(t, T10, "(一) 车辆数合计", {2: "2"}), "T10.vehicles"),
    ("10 running cost twice", lambda t: set_cells(set_cells(t, T10, "(一) 行政单位", {2: "3.00"}), T10, "(二) 参照公务员法", {2: "2.00"}),
     "T10.running_cost"),
    # --- across tables (DOMAIN.md §4)
    ("02 total vs 01", lambda t: set_cells(t, T02, "合计", {2: "366.65", 3: "366.65"}), "X01_02.income_total"),
    ("01 income line vs 02 column", lambda t: set_cells(set_cells(t, T01, "四、上级补助收入", {2: "1.00"}), T01,
                                                         "一、一般公共预算财政拨款收入", {2: "364.65"}), "X01_02.income_lines"),
    ("01 expense total vs 03", lambda t: set_cells(t, T01, "本年收入合计", {5: "365.75"}), "X01_03.expense_total"),
    ("01 classes vs 03", lambda t: set_cells(set_cells(t, T01, "八、其他收入", {5: "78.85"}), T01, "\t19\t", {5: "23.90"}),
     "X01_03.expense_classes"),
    ("04 fund income vs 01", lambda t: set_cells(t, T04, "二、政府性基金预算财政拨款", {2: "1.00"}), "X04_01.income_lines"),
    ("04 income total vs 02", lambda t: set_cells(t, T04, "本年收入合计", {2: "365.75"}), "X04_02.fiscal_income"),
    ("04 general column vs 05", lambda t: set_cells(t, T04, "一、一般公共预算财政拨款", {5: "249.99", 6: "249.99"}),
     "X04_05.general_budget"),
    ("04 fund column vs 07", lambda t: set_cells(t, T04, "一、一般公共预算财政拨款", {5: "250.89", 7: "1.00"}), "X04_07.fund"),
    ("04 soe column vs 08", lambda t: set_cells(t, T04, "一、一般公共预算财政拨款", {5: "250.89", 8: "1.00"}), "X04_08.soe"),
    ("07 has money, 04 has none", lambda t: with_07(t), "X04_07_08.empty_declared"),
    ("05 basic vs 06", lambda t: set_cells(set_cells(t, T06, "人员经费合计", {2: "323.72"}), T06, "303", {2: "37.39"}),
     "X05_06.basic"),
    ("05 row above 03", lambda t: set_cells(t, T05, "20132", {2: "0.90", 3: "0.90"}), "X05_03.within"),
    ("06 reception above 09", lambda t: set_cells(t, T06, "30302", {5: "0.50"}), "X06_09.sangong_parts"),
    # --- the annex
    ("annex rate", lambda t: replace_once(t, "预算执行率63.76%", "预算执行率73.76%"), "A.execution_rate"),
    ("annex score above weight", lambda t: set_cells(t, "附件1", "\t满意度指标", {8: "12"}), "A.score_within_weight"),
    ("annex weights not 100", lambda t: replace_once(t, "服务对象满意度指标10分", "服务对象满意度指标20分"), "A.weights_total_100"),
    ("annex header weight (the seed's own defect)", lambda t: t, "A.weights_consistent"),
    ("annex total score", lambda t: set_cells(t, "附件1", "总 分", {8: "95"}), "A.total_score"),
    ("annex funds above projects", lambda t: replace_once(t, "实际执行金额 (万元)\t24.98", "实际执行金额 (万元)\t34.98"),
     "A.project_funds"),
    # --- the narrative (DOMAIN.md §5)
    ("narrative amount", lambda t: replace_once(t, "基本工资86.11万元", "基本工资86.21万元"), "N.amount_matches_table"),
    ("share", lambda t: replace_once(t, "占比93.17%", "占比92.17%"), "N.share"),
    ("shares total", lambda t: replace_once(t, "占比6.83%", "占比7.83%"), "N.share_total"),
    ("yoy percent", lambda t: replace_once(t, "下降22.68%", "下降21.68%"), "N.yoy_arithmetic"),
    ("yoy direction", lambda t: replace_once(t, "增加13.15万元，增长20.32%", "增加13.15万元，下降20.32%"), "N.yoy_direction"),
    ("yoy zero base", lambda t: replace_once(t, "增加1.82万元，增长16.25%", "增加13.02万元，增长100.00%"), "N.yoy_zero_base"),
    ("implied prior years", lambda t: replace_once(t, "减少1.40万元，下降5.32%", "减少2.40万元，下降8.79%"), "N.yoy_prior_sum"),
    ("budget rate", lambda t: replace_once(t, "完成年初预算的99.47%", "完成年初预算的98.47%"), "N.budget_rate"),
    ("budget zero base", lambda t: replace_once(t, "卫生健康支出年初预算13.09万元", "卫生健康支出年初预算0万元"), "N.budget_zero_base"),
    ("narrative totals", lambda t: replace_once(t, "2024年度收入总计365.65万元，支出总计365.65万元。",
                                                "2024年度收入总计365.65万元，支出总计366.65万元。"), "N.total_balance"),
    ("unit slip", lambda t: replace_once(t, "基本工资86.11万元", "基本工资86.11元"), "N.unit"),
    ("vehicle parts", lambda t: replace_once(t, "共有车辆0辆。", "共有车辆0辆，其中：执法执勤用车1辆。"), "N.count_parts"),
    ("comparison year", lambda t: replace_once(t, "与上年相比，收入总计", "与2022年相比，收入总计"), "N.year"),
    ("doubled full stop", lambda t: replace_once(t, "主要原因是人员变更。", "主要原因是人员变更。。"), "N.text_anomaly"),
    ("budget direction word", lambda t: replace_once(t, "支出决算77.85万元，完成", "支出决算77.85万元，小于年初预算，完成"),
     "N.budget_direction"),
    ("class budgets", lambda t: replace_once(t, "年初预算76.39万元", "年初预算75.39万元"), "N.budget_sum"),
    ("breakdown", lambda t: replace_once(t, "政府采购服务支出0.30万元", "政府采购服务支出0.40万元"), "N.breakdown_sum"),
    ("sangong counts", lambda t: replace_once(t, "共购置公务用车0辆", "共购置公务用车2辆"), "N.sangong_counts"),
    ("absence vs table", lambda t: set_cells(t, T10, "(一) 行政单位", {2: "5.00"}), "N.absence"),
    ("asset counts", lambda t: replace_once(t, "共有车辆0辆", "共有车辆3辆"), "N.assets_counts"),
    ("performance count", lambda t: replace_once(t, "绩效自评个数1个", "绩效自评个数2个"), "N.performance"),
    # --- completeness (DOMAIN.md §7)
    ("table 10 missing", lambda t: delete_lines(t, T10, "注：本表反映部门本年度政府采购、机关运行经费和国有资产占用情况。"),
     "C.required_tables"),
    ("02 header unreadable", lambda t: replace_after(t, T02, "上级补助收入", "某项收入"), "C.tables_readable"),
    ("07 statement removed", lambda t: replace_after(t, T07, "说明：本表无数据", ""), "C.empty_table_statement"),
    ("02 not down to 项", lambda t: delete_lines(t, "2100799\t其他计划生育事务支出\t0.12\t0.12", "2100799\t其他计划生育事务支出\t0.12\t0.12"),
     "C.function_depth"),
    ("06 class without items", lambda t: set_cells(t, T06, "301", {8: "1.00"}), "C.economic_depth"),
    ("narrative section missing", lambda t: replace_once(t, "八、国有资本经营预算财政拨款支出决算情况说明\n", ""), "C.narrative_sections"),
    ("sangong counts not given", lambda t: replace_once(t, "出国（境）团组共0个，0人次。", ""), "C.sangong_explained"),
    ("procurement not explained",
     lambda t: replace_once(replace_once(t, "（二）政府采购情况说明", ""), t[t.index("2024年度政府采购支出总额"):t.index("（三）国有资产占用情况说明")], ""),
     "C.other_matters"),
    ("glossary missing", lambda t: t.replace("\n第四部分 名词解释\n", "\n"), "C.glossary"),
    ("template residue", lambda t: replace_once(t, "本部门（单位）无机关运行经费", "XX单位无机关运行经费"), "C.template_residue"),
    ("year", lambda t: replace_once(t, "截至2024年12月31日", "截至2023年12月31日"), "C.year"),
    ("unit name", lambda t: replace_after(t, T05, "部门名称：阳泉市大数据管理服务中心", "部门名称：阳泉市数据管理中心"), "C.unit_name"),
    ("amount unit", lambda t: replace_after(t, T05, "金额单位：万元", ""), "C.amount_unit"),
]


def _outcome(result, rule_id):
    return next(o for o in result.outcomes if o.rule == rule_id)


@pytest.mark.parametrize("name,mutate,rule_id", CASES, ids=[c[0] for c in CASES])
def test_injected_fault_fails_its_rule(seed_text, name, mutate, rule_id):
    text = mutate(seed_text)
    result = audit(read_text(text, source=f"<{name}>"))
    outcome = _outcome(result, rule_id)
    assert outcome.status is Status.FAIL, f"{rule_id} should fail for '{name}': {outcome.status.value} {outcome.reason}"
    assert any(f.severity in (Severity.ERROR, Severity.WARNING) for f in outcome.findings)
    for finding in outcome.findings:
        assert finding.message and finding.location is not None


def test_every_rule_has_a_fault_case():
    covered = {rule_id for _, _, rule_id in CASES}
    missing = sorted(set(registry()) - covered)
    assert not missing, f"rules without a fault case: {missing}"


def test_mutations_change_the_text(seed_text):
    unchanged = [name for name, mutate, _ in CASES if mutate(seed_text) == seed_text and "seed's own" not in name]
    assert not unchanged
