"""The text reader is exact on every cell of all ten seed tables.

Expectations are transcribed by hand from the seed: every printed (non-blank) cell is listed, and
every other cell of the table must be blank (or —— where 06 prints it).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from juesuan.core.money import CellKind
from juesuan.extract import read_document
from juesuan.extract.text import read_text

from conftest import SEED


@pytest.fixture(scope="module")
def doc():
    return read_document(SEED)


def printed(table):
    """{(section, row key, column): printed text} for every cell that is not blank."""
    return {(r.section, r.key, col): c.raw for r in table.rows for col, c in r.cells.items() if c.kind is not CellKind.BLANK}


def test_document_identity(doc):
    assert doc.unit_name == "阳泉市大数据管理服务中心"
    assert doc.year == 2024
    assert doc.scope == "单位"
    assert doc.template == "shanxi-10"
    assert sorted(doc.tables) == [f"{i:02d}" for i in range(1, 11)]
    for table in doc.tables.values():
        assert table.readable, table.unreadable_reason
        assert table.unit == "万元"
        assert table.year == 2024
        assert table.unit_name == "阳泉市大数据管理服务中心"  # 09 wraps the name over two lines
        assert table.label == f"公开{table.id}表"  # 02 prints its label as "公开02" / "表"


def test_table_01_every_cell(doc):
    t = doc.tables["01"]
    assert printed(t) == {
        ("income", "general", "amount"): "365.65",
        ("income", "income_total", "amount"): "365.65",
        ("income", "grand_total", "amount"): "365.65",
        ("expense", "201", "amount"): "249.89",
        ("expense", "208", "amount"): "77.85",
        ("expense", "210", "amount"): "13.02",
        ("expense", "221", "amount"): "24.90",
        ("expense", "expense_total", "amount"): "365.65",
        ("expense", "grand_total", "amount"): "365.65",
    }
    income_keys = [r.key for r in t.rows_in("income")]
    assert income_keys == ["general", "fund", "soe", "superior", "business", "operating", "affiliated", "other",
                           "income_total", "use_nonfiscal", "opening", "grand_total"]
    expense_codes = [r.code for r in t.rows_in("expense") if r.code]
    assert len(expense_codes) == 26 and expense_codes[0] == "201" and expense_codes[-1] == "234"
    assert t.row("221", "expense").line_no == "50"


def test_table_02_every_cell(doc):
    t = doc.tables["02"]
    expected_rows = {
        "total": "365.65", "201": "249.89", "20105": "249.28", "2010504": "249.28", "20132": "0.60", "2013299": "0.60",
        "208": "77.85", "20805": "77.85", "2080502": "36.80", "2080505": "27.36", "2080506": "13.68", "210": "13.02",
        "21007": "0.12", "2100799": "0.12", "21011": "12.90", "2101101": "0.74", "2101102": "12.16", "221": "24.90",
        "22102": "24.90", "2210201": "24.90",
    }
    assert [r.key for r in t.rows] == list(expected_rows)
    assert printed(t) == {**{(None, k, "total"): v for k, v in expected_rows.items()},
                          **{(None, k, "fiscal"): v for k, v in expected_rows.items()}}
    assert t.row("2080505").label == "机关事业单位基本养老保险缴费支出"


@pytest.mark.parametrize("table_id", ["03", "05"])
def test_tables_03_and_05_every_cell(doc, table_id):
    t = doc.tables[table_id]
    totals = {
        "total": ("365.65", "340.67", "24.98"), "201": ("249.89", "224.91", "24.98"),
        "20105": ("249.28", "224.30", "24.98"), "2010504": ("249.28", "224.30", "24.98"),
    }
    basic_only = {
        "20132": "0.60", "2013299": "0.60", "208": "77.85", "20805": "77.85", "2080502": "36.80", "2080505": "27.36",
        "2080506": "13.68", "210": "13.02", "21007": "0.12", "2100799": "0.12", "21011": "12.90", "2101101": "0.74",
        "2101102": "12.16", "221": "24.90", "22102": "24.90", "2210201": "24.90",
    }
    expected = {}
    for key, (total, basic, project) in totals.items():
        expected.update({(None, key, "total"): total, (None, key, "basic"): basic, (None, key, "project"): project})
    for key, value in basic_only.items():
        expected.update({(None, key, "total"): value, (None, key, "basic"): value})
    assert printed(t) == expected
    assert len(t.rows) == 20


def test_table_04_every_cell(doc):
    t = doc.tables["04"]
    expected = {("income", "general", "amount"): "365.65", ("income", "income_total", "amount"): "365.65",
                ("income", "grand_total", "amount"): "365.65"}
    for key, value in (("201", "249.89"), ("208", "77.85"), ("210", "13.02"), ("221", "24.90"),
                       ("expense_total", "365.65"), ("grand_total", "365.65")):
        expected[("expense", key, "total")] = value
        expected[("expense", key, "general")] = value
    assert printed(t) == expected
    assert [r.key for r in t.rows_in("income")][-4:] == ["opening_general", "opening_fund", "opening_soe", "grand_total"]


def test_table_06_every_cell(doc):
    t = doc.tables["06"]
    amounts = {
        "301": "286.33", "30101": "86.11", "30102": "15.56", "30103": "5.37", "30107": "94.21", "30108": "27.36",
        "30109": "13.68", "30110": "12.72", "30112": "1.52", "30113": "24.90", "30199": "4.90", "303": "36.39",
        "30302": "36.28", "30309": "0.12", "302": "17.95", "30201": "1.96", "30206": "0.30", "30207": "0.30",
        "30209": "2.10", "30211": "2.02", "30216": "1.18", "30228": "2.83", "30229": "5.19", "30239": "0.75",
        "30299": "1.31", "personnel_total": "322.72", "public_total": "17.95",
    }
    dashes = {r.key for r in t.rows if r.cell("amount").kind is CellKind.DASH}
    assert {k: c for (_, k, _), c in printed(t).items() if c != "——"} == amounts
    assert dashes == {"309", "30901", "30902", "30903", "30905", "30906", "30907", "30908", "30913", "30919", "30921",
                      "30922", "30999", "311", "31101", "31199"}
    codes = [r.code for r in t.coded_rows()]
    assert len(codes) == len(set(codes)) == 110
    assert t.row("30302").section == "personnel" and t.row("30217").section == "public"


def test_empty_tables_07_08_09(doc):
    for table_id in ("07", "08", "09"):
        t = doc.tables[table_id]
        assert t.empty_statement == "本表无数据"
        assert printed(t) == {}
        assert not t.has_data
    assert set(doc.tables["07"].columns) == {"opening", "income", "total", "basic", "project", "closing"}
    assert len(doc.tables["09"].columns) == 12  # the two-half header: 预算数 and 决算数, six columns each
    assert doc.tables["09"].columns["budget_vehicle_operation"] == "预算数·公务用车运行维护费"


def test_table_10_every_cell(doc):
    t = doc.tables["10"]
    assert printed(t) == {
        ("procurement", "procurement_total", "value"): "0.50",
        ("procurement", "procurement_goods", "value"): "0.20",
        ("procurement", "procurement_services", "value"): "0.30",
    }
    assert t.row("equipment_over_1m").line_no == "17"
    assert [r.section for r in t.rows].count("assets") == 10


def test_amounts_are_exact_decimals(doc):
    cell = doc.tables["02"].row("2101101").cell("total")
    assert cell.value == Decimal("0.74") and isinstance(cell.value, Decimal)
    assert cell.location.table == "02" and cell.location.line is not None and "2101101" in cell.location.row


def test_blank_zero_and_dash_are_kept_apart(seed_text):
    text = seed_text.replace("30103\t奖金\t5.37", "30103\t奖金\t0.00").replace("30106\t伙食补助费\t", "30106\t伙食补助费\t——")
    t = read_text(text).tables["06"]
    assert t.row("30103").cell("amount").kind is CellKind.AMOUNT and t.row("30103").cell("amount").value == 0
    assert t.row("30106").cell("amount").kind is CellKind.DASH
    assert t.row("30111").cell("amount").kind is CellKind.BLANK


def test_narrative_sections_and_broken_paragraph(doc):
    assert [s.number for s in doc.sections] == list(range(1, 11))
    assert [s.table_id for s in doc.sections] == ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10"]
    five = doc.section(5).text
    assert "主要原因是社保基数变更。" in five  # a page break split 社|保 in the source


def test_annex(doc):
    (ev,) = doc.annex
    assert ev.project == "专业人员聘用补贴"
    assert (ev.budget.value, ev.received.value, ev.executed.value) == (Decimal("40.2"), Decimal("39.18"), Decimal("24.98"))
    assert ev.stated_rate[0] == Decimal("63.76")
    assert {w.name: w.points for w in ev.header_weights} == {"预算执行率": 10, "产出指标": 30, "效益指标": 30, "满意度指标": 10}
    assert {w.name: w.points for w in ev.rule_weights} == {"预算执行率": 10, "产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert [s.points for s in ev.scores] == [7, 45, 30, 10]
    assert ev.total_score.points == 92


@pytest.mark.parametrize("printed, read", [
    ("部⻔决算", "部门决算"),  # C-SIMPLIFIED GATE: was read as 长, turning 部门 into 部长
    ("⻓期投资", "长期投资"), ("⻋辆购置", "车辆购置"), ("⻜机票", "飞机票"), ("⻉用", "贝用"),
    ("⼯资福利⽀出", "工资福利支出"),  # Kangxi radicals: NFKC
    ("⻀", "艹"), ("⺗", "心"),
])
def test_radicals_read_as_the_ideographs_they_stand_for(printed, read):
    from juesuan.core.normalize import compact, normalise

    assert normalise(printed) == read
    assert compact(f" {printed} ") == read


def test_no_two_simplified_radicals_stand_for_one_ideograph():
    # A table shifted by one entry maps a radical to its neighbour's ideograph (⻓ and ⻔ both to 长).
    import unicodedata

    from juesuan.core.normalize import _RADICALS

    simplified = {k: v for k, v in _RADICALS.items() if "C-SIMPLIFIED" in unicodedata.name(k)}
    assert len(simplified) >= 20
    assert len(set(simplified.values())) == len(simplified)
