"""Layout families: synthetic grids shaped like the real documents' (made-up figures that satisfy the tables'
identities), read through the public ``interpret``, then checked by the table rules through ``audit``.

Each family is also shown failing closed: a grid whose columns cannot be told apart, or whose sums do not
hold with the mapping, is could-not-read with a reason naming the page.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import replace
from decimal import Decimal

import pytest

from juesuan.catalog import TABLES
from juesuan.catalog.identities import COLUMN_SUMS, HIERARCHY, ROW_SUMS, column_sum, expand_terms
from juesuan.core.model import Document, Location, Table
from juesuan.engine import audit
from juesuan.extract.layouts import interpret
from juesuan.extract.rawtable import RawRow, RawTable
from juesuan.rules import Severity, Status


def raw_table(spec_id: str, text: str, unit: str = "万元", with_spans: bool = True) -> RawTable:
    """A grid from lines of ``a | b | c``; ``word>3`` is a cell merged over 3 columns; ``--- page N`` turns
    the page. ``with_spans=False`` drops the merges, as the text reader gives them."""
    rows: list[RawRow] = []
    page = first = 1
    for line in textwrap.dedent(text).strip().splitlines():
        if line.startswith("--- page"):
            page = int(line.split()[-1])
            continue
        cells, spans = [], {}
        for p, cell in enumerate(line.split("|")):
            cell = cell.strip()
            m = re.fullmatch(r"(.*)>(\d+)", cell)
            if m:
                cell = m.group(1)
                spans[p] = p + int(m.group(2))
            cells.append(cell)
        rows.append(RawRow(cells=cells, location=Location(page=page), spans=(spans or None) if with_spans else None))
    spec = TABLES[spec_id]
    return RawTable(spec=spec, title=spec.name, location=Location(page=first), meta=[(f"单位：{unit}", Location(page=first))],
                    rows=rows, pages=(first, page))


def outcomes(*tables: Table, rules: list[str]):
    doc = Document(source="<synthetic>", unit_name=None, year=None, scope=None, template=None,
                   tables={t.id: t for t in tables}, sections=[], glossary=[], annex=[], lines=[])
    return {o.rule: o for o in audit(doc, rules).outcomes}


def assert_passes(*tables: Table, rules: list[str]) -> None:
    for rule_id, o in outcomes(*tables, rules=rules).items():
        assert o.status is Status.PASS and o.comparisons > 0, (rule_id, o.status, o.reason)


def value(table: Table, key: str, column: str) -> Decimal:
    return table.row(key).cell(column).amount.value


# --- two-level headers: 本年支出 over 小计 | 基本支出 | 项目支出 ------------------------------------------

GENERAL_05 = """
    项目>2 | | 本年支出>3 | |
    科目代码 | 科目名称 | 小计 | 基本支出 | 项目支出
     | 栏次 | 1 | 2 | 3
     | 合计 | 150.00 | 100.00 | 50.00
    201 | 一般公共服务支出 | 120.00 | 80.00 | 40.00
    20101 | 人大事务 | 120.00 | 80.00 | 40.00
    2010101 | 行政运行 | 120.00 | 80.00 | 40.00
    208 | 社会保障和就业支出 | 30.00 | 20.00 | 10.00
    20805 | 行政事业单位养老支出 | 30.00 | 20.00 | 10.00
    2080505 | 机关事业单位基本养老保险缴费支出 | 30.00 | 20.00 | 10.00
"""


@pytest.mark.parametrize("with_spans", [True, False], ids=["pdf-merged-cells", "text-no-spans"])
def test_two_level_header_maps_each_sub_column(with_spans):
    table = interpret(raw_table("05", GENERAL_05, with_spans=with_spans))
    assert table.readable, table.unreadable_reason
    assert set(table.columns) == {"total", "basic", "project"}
    assert value(table, "total", "basic") == Decimal("100.00")
    assert value(table, "2010101", "project") == Decimal("40.00")
    assert_passes(table, rules=["T05.columns", "T05.hierarchy"])


def test_two_level_header_of_a_fund_table():
    fund = """
        项目>2 | | 年初结转和结余 | 本年收入 | 本年支出>3 | | | 年末结转和结余
        科目代码 | 科目名称 | | | 小计 | 基本支出 | 项目支出 |
         | 栏次 | 1 | 2 | 3 | 4 | 5 | 6
         | 合计 | 10.00 | 90.00 | 80.00 | | 80.00 | 20.00
        229 | 其他支出 | 10.00 | 90.00 | 80.00 | | 80.00 | 20.00
        22904 | 其他政府性基金及对应专项债务收入安排的支出 | 10.00 | 90.00 | 80.00 | | 80.00 | 20.00
        2290402 | 其他地方自行试点项目收益专项债券收入安排的支出 | 10.00 | 90.00 | 80.00 | | 80.00 | 20.00
    """
    table = interpret(raw_table("07", fund))
    assert table.readable, table.unreadable_reason
    assert set(table.columns) == {"opening", "income", "total", "basic", "project", "closing"}
    assert_passes(table, rules=["T07.columns", "T07.balance", "T07.hierarchy"])


def test_columns_whose_sums_do_not_hold_are_not_read():
    # The figures sit one column off their header (基本支出 under 小计): every row breaks 小计 = 基本 + 项目.
    shifted = GENERAL_05.replace("150.00 | 100.00", "100.00 | 150.00").replace("120.00 | 80.00", "80.00 | 120.00") \
        .replace("30.00 | 20.00", "20.00 | 30.00")
    table = interpret(raw_table("05", shifted))
    assert not table.readable
    assert "第1页" in table.unreadable_reason and "勾稽" in table.unreadable_reason
    assert outcomes(table, rules=["T05.columns"])["T05.columns"].status is Status.COULD_NOT_CHECK


def test_two_columns_of_one_meaning_are_ambiguous():
    doubled = GENERAL_05.replace("科目代码 | 科目名称 | 小计 | 基本支出 | 项目支出", "科目代码 | 科目名称 | 小计 | 基本支出 | 基本支出")
    table = interpret(raw_table("05", doubled))
    assert not table.readable and "都像是" in table.unreadable_reason and "第1页" in table.unreadable_reason


def test_a_header_cell_wrapped_over_two_grid_rows():
    wrapped = """
        项目 | | 本年收入合计 | 财政拨款收入 | 上级补助收入 | 事业收入 | 经营收入 | 附属单位上 | 其他收入
        科目代码 | 科目名称 | | | | | | 缴收入 |
        合计 | | 30.00 | 20.00 | | | | 10.00 |
        208 | 社会保障和就业支出 | 30.00 | 20.00 | | | | 10.00 |
        20805 | 行政事业单位养老支出 | 30.00 | 20.00 | | | | 10.00 |
        2080505 | 机关事业单位基本养老保险缴费支出 | 30.00 | 20.00 | | | | 10.00 |
    """
    table = interpret(raw_table("02", wrapped, with_spans=False))
    assert table.readable, table.unreadable_reason
    assert value(table, "total", "affiliated") == Decimal("10.00")
    assert_passes(table, rules=["T02.columns", "T02.hierarchy"])


def test_the_unit_printed_inside_the_grid_is_the_tables():
    inside = "金额单位：元 | | | |\n" + GENERAL_05
    table = interpret(replace(raw_table("05", inside), meta=[]))  # no unit line outside the grid
    assert table.readable and table.unit == "元"
    assert value(table, "total", "total") == Decimal("0.0150")


# --- the 合计 row above, below, or on every page --------------------------------------------------------

def test_total_row_below_the_classes():
    lines = GENERAL_05.strip().splitlines()
    below = "\n".join(lines[:3] + lines[4:] + [lines[3]])
    table = interpret(raw_table("05", below))
    assert table.readable and value(table, "total", "total") == Decimal("150.00")
    assert_passes(table, rules=["T05.hierarchy"])


def test_total_row_repeated_on_each_page_counts_once():
    lines = GENERAL_05.strip().splitlines()
    two_pages = "\n".join(lines[:7] + ["--- page 2"] + lines[:4] + lines[7:])
    table = interpret(raw_table("05", two_pages))
    assert table.readable, table.unreadable_reason
    assert [r.key for r in table.rows].count("total") == 1
    assert {r.location.page for r in table.rows} == {1, 2}
    assert_passes(table, rules=["T05.columns", "T05.hierarchy"])


def test_two_different_total_rows_are_ambiguous():
    lines = GENERAL_05.strip().splitlines()
    other = lines[3].replace("150.00 | 100.00", "151.00 | 101.00")
    two_pages = "\n".join(lines[:7] + ["--- page 2"] + lines[:3] + [other] + lines[7:])
    table = interpret(raw_table("05", two_pages))
    assert not table.readable
    assert "第1页" in table.unreadable_reason and "第2页" in table.unreadable_reason


# --- the 三公 table in its variants ----------------------------------------------------------------------

# Budget: 10.00 = 2.00 + 5.00 (3.00 + 2.00) + 3.00; final: 8.00 = 1.00 + 4.00 (0.00 + 4.00) + 3.00.
SANGONG_HALVES_OVER_ITEMS = """
    预算数>6 | | | | | | 决算数>6 | | | | |
    合计 | 因公出国(境)费 | 公务用车购置及运行费>3 | | | 公务接待费 | 合计 | 因公出国(境)费 | 公务用车购置及运行费>3 | | | 公务接待费
     | | 小计 | 公务用车购置费 | 公务用车运行费 | | | | 小计 | 公务用车购置费 | 公务用车运行费 |
    1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12
    10.00 | 2.00 | 5.00 | 3.00 | 2.00 | 3.00 | 8.00 | 1.00 | 4.00 | 0.00 | 4.00 | 3.00
"""

SANGONG_HALVES_UNDER_ITEMS = """
    合计>2 | | 因公出国(境)费>2 | | 公务用车购置及运行维护费>6 | | | | | | 公务接待费>2 |
     | | | | 小计>2 | | 购置费>2 | | 运行维护费>2 | | |
    预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数
    10.00 | 8.00 | 2.00 | 1.00 | 5.00 | 4.00 | 3.00 | 0.00 | 2.00 | 4.00 | 3.00 | 3.00
"""

SANGONG_TRANSPOSED = """
    项目 | 财政拨款安排的“三公”经费>6 | | | | | | 会议费 | 培训费
     | 小计 | 因公出国(境)费用 | 公务用车购置及运行维护费>3 | | | 公务接待费 | |
     | | | 小计 | 公务用车购置费 | 公务用车运行维护费 | | |
    栏次 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8
    预算数 | 10.00 | 2.00 | 5.00 | 3.00 | 2.00 | 3.00 | 6.50 | 1,234.50
    决算数 | 8.00 | 1.00 | 4.00 | | 4.00 | 3.00 | 6.00 | 1,200.00
"""


@pytest.mark.parametrize("grid", [SANGONG_HALVES_OVER_ITEMS, SANGONG_HALVES_UNDER_ITEMS, SANGONG_TRANSPOSED],
                         ids=["halves-over-items", "halves-under-items", "transposed-with-meetings"])
def test_sangong_variants(grid):
    table = interpret(raw_table("09", grid))
    assert table.readable, table.unreadable_reason
    row = table.row("sangong")
    expected = {"budget_total": "10.00", "budget_vehicle": "5.00", "budget_vehicle_purchase": "3.00",
                "final_total": "8.00", "final_abroad": "1.00", "final_vehicle_operation": "4.00", "final_reception": "3.00"}
    for column, figure in expected.items():
        assert row.cell(column).amount.value == Decimal(figure), column
    assert_passes(table, rules=["T09.total", "T09.vehicle"])


def test_sangong_halves_over_items_in_the_text_form():
    # No merged cells: 预算数 and 公务用车… stand over the blank cells of their group.
    table = interpret(raw_table("09", SANGONG_HALVES_OVER_ITEMS, with_spans=False))
    assert table.readable, table.unreadable_reason
    assert table.columns["budget_vehicle"] == "预算数·公务用车购置及运行费小计"
    assert table.row("sangong").cell("final_vehicle_operation").amount.value == Decimal("4.00")


def test_sangong_meeting_and_training_columns_are_their_own():
    table = interpret(raw_table("09", SANGONG_TRANSPOSED))
    row = table.row("sangong")
    assert row.cell("budget_training").amount.value == Decimal("1234.50")  # thousands separator
    assert row.cell("final_meeting").amount.value == Decimal("6.00")


def test_sangong_transposed_with_a_row_of_another_kind_is_not_read():
    table = interpret(raw_table("09", SANGONG_TRANSPOSED + "    上年决算数 | 9.00 | 1.00 | 5.00 | 1.00 | 4.00 | 3.00 | 6.00 | 1.00\n"))
    assert not table.readable and "上年决算数" in table.unreadable_reason and "第1页" in table.unreadable_reason


def test_sangong_without_vehicle_subtotal_still_checks_the_total():
    no_subtotal = """
        预算数>5 | | | | | 决算数>5 | | | |
        合计 | 因公出国(境)费 | 公务用车购置费 | 公务用车运行维护费 | 公务接待费 | 合计 | 因公出国(境)费 | 公务用车购置费 | 公务用车运行维护费 | 公务接待费
        10.00 | 2.00 | 3.00 | 2.00 | 3.00 | 8.00 | 1.00 | 0.00 | 4.00 | 3.00
    """
    table = interpret(raw_table("09", no_subtotal))
    assert table.readable and "final_vehicle" not in table.columns
    assert_passes(table, rules=["T09.total"])
    wrong = interpret(raw_table("09", no_subtotal.replace("| 8.00 |", "| 9.00 |")))
    total = outcomes(wrong, rules=["T09.total"])["T09.total"]
    assert total.status is Status.FAIL and any(f.severity is Severity.ERROR for f in total.findings)


def test_sangong_columns_that_break_both_halves_are_not_read():
    # 合计 and 小计 swapped in the header of both halves: no identity holds any more.
    swapped = SANGONG_HALVES_OVER_ITEMS.replace("10.00 | 2.00 | 5.00", "5.00 | 2.00 | 10.00").replace(
        "8.00 | 1.00 | 4.00", "4.00 | 1.00 | 8.00")
    table = interpret(raw_table("09", swapped))
    assert not table.readable and "勾稽" in table.unreadable_reason


# --- 06 panels, the totals row on a later page ----------------------------------------------------------

PANELS_06 = """
    人员经费>3 | | | 公用经费>6 | | | | |
    科目代码 | 科目名称 | 决算数 | 科目代码 | 科目名称 | 决算数 | 科目代码 | 科目名称 | 决算数
    301 | 工资福利支出 | 90.00 | 302 | 商品和服务支出 | 12.00 | 310 | 资本性支出 | 2.00
    30101 | 基本工资 | 60.00 | 30201 | 办公费 | 7.00 | 31002 | 办公设备购置 | 2.00
    30102 | 津贴补贴 | 30.00 | 30211 | 差旅费 | 5.00 | 399 | 其他支出 |
    --- page 2
    人员经费>3 | | | 公用经费>6 | | | | |
    科目代码 | 科目名称 | 决算数 | 科目代码 | 科目名称 | 决算数 | 科目代码 | 科目名称 | 决算数
    303 | 对个人和家庭的补助 | 6.00 | 307 | 债务利息及费用支出 | | | |
    30302 | 退休费 | 6.00 | 30701 | 国内债务付息 | | | |
     | 人员经费合计 | 96.00 | | | | | 公用经费合计 | 14.00
"""


def test_panels_with_totals_in_a_name_column_on_the_last_page():
    table = interpret(raw_table("06", PANELS_06))
    assert table.readable, table.unreadable_reason
    assert value(table, "personnel_total", "amount") == Decimal("96.00")
    assert value(table, "public_total", "amount") == Decimal("14.00")
    assert table.row("personnel_total").location.page == 2
    assert_passes(table, rules=["T06.hierarchy", "T06.personnel", "T06.public"])


def test_two_panels_with_codes_split_over_class_and_item_columns():
    split = """
        科目编码>2 | | 科目名称 | 决算数 | 科目编码>2 | | 科目名称 | 决算数
        类 | 款 | | | 类 | 款 | |
        301 | | 工资福利支出 | 90.00 | 302 | | 商品和服务支出 | 12.00
        301 | 01 | 基本工资 | 60.00 | 302 | 01 | 办公费 | 12.00
        301 | 02 | 津贴补贴 | 30.00 | 303 | | 对个人和家庭的补助 | 0.00
    """
    table = interpret(raw_table("06", split))
    assert table.readable, table.unreadable_reason
    assert [r.code for r in table.coded_rows()] == ["301", "302", "30101", "30201", "30102", "303"]
    assert_passes(table, rules=["T06.hierarchy"])


def test_panels_whose_classes_do_not_add_up_are_not_read():
    # Three of the four classes no longer equal the sum of their 款: a misread grid, not three defects.
    broken = PANELS_06.replace("| 60.00 |", "| 61.00 |").replace("| 7.00 |", "| 9.00 |").replace(
        "对个人和家庭的补助 | 6.00", "对个人和家庭的补助 | 7.00")
    table = interpret(raw_table("06", broken))
    assert not table.readable and "勾稽" in table.unreadable_reason


# --- codes: split over 类|款|项, merged over them, as floats; thousands separators; 元 -------------------

SPLIT_CODES_03 = """
    项目>4 | | | | 本年支出合计 | 基本支出 | 项目支出
    科目编码>3 | | | 科目名称 | | |
    类 | 款 | 项 | | | |
     | | | 合计 | 1,500.00 | 1,000.00 | 500.00
    201.0 | | | 一般公共服务支出 | 1,500.00 | 1,000.00 | 500.00
    201 | 03 | | 政府办公厅(室)及相关机构事务 | 1,500.00 | 1,000.00 | 500.00
    201 | 03 | 01 | 行政运行 | 1,000.00 | 1,000.00 |
    --- page 2
    2010302 | 一般行政管理事务 | 500.00 | | 500.00
"""


def test_codes_split_joined_and_as_floats_with_thousands_separators():
    table = interpret(raw_table("03", SPLIT_CODES_03))
    assert table.readable, table.unreadable_reason
    assert [r.code for r in table.coded_rows()] == ["201", "20103", "2010301", "2010302"]
    assert value(table, "total", "total") == Decimal("1500.00")
    # The continuation page's grid lost the split code columns: its row is put back on the first page's.
    assert value(table, "2010302", "project") == Decimal("500.00")
    assert_passes(table, rules=["T03.columns", "T03.hierarchy"])


def test_amounts_in_yuan_are_read_in_yuan():
    yuan = re.sub(r"([\d,]+)\.00", lambda m: f"{int(m.group(1).replace(',', '')) * 10000:,}.00", SPLIT_CODES_03)
    table = interpret(raw_table("03", yuan, unit="元"))
    assert table.unit == "元"
    cell = table.row("total").cell("total")
    assert cell.amount.value == Decimal("1500") and cell.raw == "15,000,000.00"
    assert_passes(table, rules=["T03.columns", "T03.hierarchy"])


# --- university tables: 收支决算总表, 收入决算表 with 其中 columns, 财政拨款支出决算表 ------------------------

UNIVERSITY_01 = """
    收入>2 | | 支出>2 |
    项目 | 决算数 | 项目(按功能分类) | 决算数
    栏次 | 1 | 栏次 | 2
    一、财政拨款收入 | 800.00 | 一、一般公共服务支出 |
    其中:政府性基金预算财政拨款 | 10.00 | 二、教育支出 | 1,100.00
    二、事业收入 | 300.00 | 三、其他支出 | 10.00
    三、其他收入 | 100.00 |  |
    其中:捐赠收入 | 5.00 |  |
    本年收入合计 | 1,200.00 | 本年支出合计 | 1,110.00
    使用非财政拨款结余(含专用结余) | 20.00 | 结余分配 | 10.00
    上年结转和结余 | 300.00 | 年末结转和结余 | 400.00
    合计 | 1,520.00 | 合计 | 1,520.00
"""

UNIVERSITY_02 = """
    科目编码 | 科目名称 | 本年收入合计 | 财政拨款收入 | 上级补助收入 | 事业收入>2 | | 经营收入 | 附属单位上缴收入 | 其他收入
     | | | | | 金额 | 其中:教育收费 | | |
    205 | 教育支出 | 1,190.00 | 790.00 | | 300.00 | 200.00 | | | 100.00
    20502 | 普通教育 | 1,190.00 | 790.00 | | 300.00 | 200.00 | | | 100.00
    2050205 | 高等教育 | 1,190.00 | 790.00 | | 300.00 | 200.00 | | | 100.00
    229 | 其他支出 | 10.00 | 10.00 | | | | | |
     | 合计 | 1,200.00 | 800.00 | | 300.00 | 200.00 | | | 100.00
"""


def test_university_summary_table():
    table = interpret(raw_table("01", UNIVERSITY_01))
    assert table.readable, table.unreadable_reason
    assert table.row("opening", "income").cell("amount").amount.value == Decimal("300.00")
    assert table.row("grand_total", "expense").cell("amount").amount.value == Decimal("1520.00")
    # 其中 rows are parts of the line above, never one more income line.
    assert table.row("fund", "income") is None
    assert_passes(table, rules=["T01.income_lines", "T01.income_total", "T01.expense_lines", "T01.expense_total",
                                "T01.balanced"])


def test_summary_table_with_expenditure_by_kind_is_not_summed_by_class():
    by_kind = UNIVERSITY_01.replace("一、一般公共服务支出 |", "一、基本支出 | 800.00").replace(
        "二、教育支出 | 1,100.00", "二、项目支出 | 310.00").replace("三、其他支出 | 10.00", " |")
    table = interpret(raw_table("01", by_kind))
    assert table.readable, table.unreadable_reason
    lines = outcomes(table, rules=["T01.expense_lines"])["T01.expense_lines"]
    assert lines.status is Status.NOT_APPLICABLE and "功能分类" in lines.reason


def test_university_income_table_with_an_of_which_column():
    table = interpret(raw_table("02", UNIVERSITY_02))
    assert table.readable, table.unreadable_reason
    assert table.columns["business"] == "事业收入金额"
    assert value(table, "total", "of:教育收费") == Decimal("200.00")
    assert_passes(table, rules=["T02.columns", "T02.hierarchy"])


def test_university_fiscal_table_with_the_total_on_the_level_row():
    fiscal = """
        项目>4 | | | | 本年支出>4 | | |
        科目编码>3 | | | 科目名称 | 合计 | 基本支出 | 项目支出>2 |
         | | | | | | 小计 | 其中:基本建设资金支出
        类 | 款 | 项 | 合计 | 100.00 | 70.00 | 30.00 | 5.00
        205>3 | | | 教育支出 | 100.00 | 70.00 | 30.00 | 5.00
        20502>3 | | | 普通教育 | 100.00 | 70.00 | 30.00 | 5.00
        --- page 2
        2050205 | 高等教育 | 100.00 | 70.00 | 30.00 | 5.00
         | 合计 | 100.00 | 70.00 | 30.00 | 5.00
    """
    table = interpret(raw_table("05", fiscal))
    assert table.readable, table.unreadable_reason
    assert set(table.columns) == {"total", "basic", "project", "of:基本建设资金支出"}
    assert [r.key for r in table.rows].count("total") == 1
    assert_passes(table, rules=["T05.columns", "T05.hierarchy"])


# --- the identity catalog -------------------------------------------------------------------------------

def test_catalog_identities_name_real_columns_and_rows():
    for identity in COLUMN_SUMS:
        keys = {k for k, _ in TABLES[identity.table].columns}
        assert identity.result in keys and {k for _, k in identity.terms} <= keys, identity
    assert set(HIERARCHY) <= set(TABLES)
    assert all(r.table in TABLES for r in ROW_SUMS)


def test_a_missing_subtotal_is_expanded_into_its_parts():
    total = column_sum("09", "total")
    result, terms = next(total.instances())
    present = {"budget_total", "budget_abroad", "budget_vehicle_purchase", "budget_vehicle_operation", "budget_reception"}
    assert expand_terms(total, result, terms, present) == (
        (1, "budget_abroad"), (1, "budget_vehicle_purchase"), (1, "budget_vehicle_operation"), (1, "budget_reception"))
