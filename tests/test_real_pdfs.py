"""Real Shanghai 普陀区 2024 disclosures (DOMAIN.md §9), read from ../shared/realdocs when present.

The expected cells below were checked by hand against the PDF pages (pdfplumber text of each page
and rendered page images), not copied from the reader's output. The documents themselves are not
part of the repository: every test skips when they are absent or no Java runtime is found.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from juesuan.engine import audit
from juesuan.core.money import CellKind
from juesuan.extract import read_document
from juesuan.rules.base import Severity

from conftest import REALDOCS as _REALDOCS

ROOT = Path(__file__).resolve().parents[1]


REALDOCS = _REALDOCS if _REALDOCS.is_dir() else None
FINANCE = "putuo-finance-bureau-2024.pdf"
PLANNING = "putuo-planning-resources-2024.pdf"
TEMPLATE = "shanghai-district-template-2024.pdf"


def _path(name: str) -> Path:
    if REALDOCS is None or not (REALDOCS / name).exists():
        pytest.skip(f"{name} not present (../shared/realdocs)")
    from juesuan.core.exceptions import JavaUnavailableError
    from juesuan.extract.pdf import java_home

    try:
        java_home()
    except JavaUnavailableError:
        pytest.skip("no Java runtime for tabula")
    return REALDOCS / name


_CACHE: dict[str, object] = {}


def _audited(name: str):
    if name not in _CACHE:
        _CACHE[name] = audit(read_document(_path(name)))
    return _CACHE[name]


# --- expectations, by hand from the pages ----------------------------------------------------------

# (table pages) per canonical id: 七 = 三公 (09), 八 = 政府性基金 (07), 九 = 国有资本经营 (08).
PAGES = {
    FINANCE: {"01": (6, 7), "02": (8, 9), "03": (10, 11), "04": (12, 13), "05": (15, 15), "06": (16, 17),
              "09": (18, 18), "07": (19, 19), "08": (20, 20)},
    PLANNING: {"01": (7, 7), "02": (8, 9), "03": (10, 11), "04": (12, 13), "05": (14, 15), "06": (16, 16),
               "09": (17, 17), "07": (18, 18), "08": (19, 19)},
}

# 01: every printed cell (section, row key) -> printed amount; every other cell is blank.
CELLS_01 = {
    FINANCE: {
        ("income", "general"): "2,940.05", ("income", "other"): "6.20", ("income", "income_total"): "2,946.25",
        ("income", "opening"): "49.14", ("income", "grand_total"): "2,995.39",
        ("expense", "201"): "2,106.66", ("expense", "208"): "326.71", ("expense", "210"): "60.99",
        ("expense", "221"): "445.69", ("expense", "expense_total"): "2,940.05", ("expense", "closing"): "55.34",
        ("expense", "grand_total"): "2,995.39",
    },
    PLANNING: {
        ("income", "general"): "9746.50", ("income", "income_total"): "9746.50", ("income", "opening"): "112.88",
        ("income", "grand_total"): "9859.38",
        ("expense", "208"): "754.75", ("expense", "210"): "236.63", ("expense", "212"): "3845.25",
        ("expense", "220"): "4461.67", ("expense", "221"): "461.08", ("expense", "expense_total"): "9759.38",
        ("expense", "closing"): "100.00", ("expense", "grand_total"): "9859.38",
    },
}
# rows of 01 per side: the eight income lines and four totals; the expenditure classes and four totals
ROWS_01 = {FINANCE: (12, 30), PLANNING: (12, 28)}

# 05: code -> (小计, 基本支出, 项目支出), "" for a blank cell.
CELLS_05 = {
    FINANCE: {
        "201": ("2,106.66", "1,503.52", "603.14"), "20106": ("2,106.66", "1,503.52", "603.14"),
        "2010601": ("1,511.89", "1,503.52", "8.37"), "2010602": ("10.00", "", "10.00"),
        "2010607": ("135.25", "", "135.25"), "2010608": ("449.52", "", "449.52"),
        "208": ("326.72", "326.72", ""), "20805": ("326.72", "326.72", ""), "2080501": ("84.65", "84.65", ""),
        "2080505": ("160.75", "160.75", ""), "2080506": ("80.38", "80.38", ""), "2080599": ("0.94", "0.94", ""),
        "210": ("60.99", "60.99", ""), "21011": ("60.99", "60.99", ""), "2101101": ("60.99", "60.99", ""),
        "221": ("445.69", "445.69", ""), "22102": ("445.69", "445.69", ""), "2210201": ("187.19", "187.19", ""),
        "2210203": ("258.50", "258.50", ""),
        "total": ("2,940.05", "2,336.91", "603.14"),
    },
    PLANNING: {
        "208": ("754.75", "754.75", "0.00"), "20805": ("754.75", "754.75", "0.00"),
        "2080501": ("54.53", "54.53", "0.00"), "2080502": ("28.11", "28.11", "0.00"),
        "2080505": ("446.11", "446.11", "0.00"), "2080506": ("225.12", "225.12", "0.00"),
        "2080599": ("0.88", "0.88", "0.00"), "210": ("236.64", "236.64", "0.00"),
        "21011": ("236.64", "236.64", "0.00"), "2101101": ("40.35", "40.35", "0.00"),
        "2101102": ("196.29", "196.29", "0.00"), "212": ("3832.36", "1572.70", "2259.65"),
        "21201": ("1092.80", "1084.02", "8.77"), "2120101": ("1092.80", "1084.02", "8.77"),
        "21202": ("2739.56", "488.68", "2250.88"), "2120201": ("2739.56", "488.68", "2250.88"),
        "220": ("4461.67", "2339.58", "2122.09"), "22001": ("4461.67", "2339.58", "2122.09"),
        "2200150": ("4416.67", "2339.58", "2077.09"), "2200199": ("45.00", "0.00", "45.00"),
        "221": ("461.08", "461.08", "0.00"), "22102": ("461.08", "461.08", "0.00"),
        "2210201": ("289.59", "289.59", "0.00"), "2210203": ("171.49", "171.49", "0.00"),
        "total": ("9746.50", "5364.75", "4381.74"),
    },
}

_SANGONG_KEYS = ("total", "abroad", "vehicle", "vehicle_purchase", "vehicle_operation", "reception")
# 09: (预算数, 决算数) per item, in the order of _SANGONG_KEYS.
CELLS_09 = {
    FINANCE: {"total": ("0.95", ""), "abroad": ("", ""), "vehicle": ("", ""), "vehicle_purchase": ("", ""),
              "vehicle_operation": ("", ""), "reception": ("0.95", "")},
    PLANNING: {"total": ("2.85", "0.39"), "abroad": ("0.00", "0.00"), "vehicle": ("0.00", "0.00"),
               "vehicle_purchase": ("0.00", "0.00"), "vehicle_operation": ("0.00", "0.00"),
               "reception": ("2.85", "0.39")},
}


# --- tables ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [FINANCE, PLANNING])
def test_nine_tables_readable_with_their_pages(name):
    doc = _audited(name).document
    assert doc.template == "shanghai-9"
    assert sorted(doc.tables) == sorted(PAGES[name])
    for table_id, pages in PAGES[name].items():
        table = doc.table(table_id)
        assert table.readable, f"{table_id}: {table.unreadable_reason}"
        assert tuple(table.pages) == pages, table_id


@pytest.mark.parametrize("name", [FINANCE, PLANNING])
def test_table_01_every_cell(name):
    table = _audited(name).document.table("01")
    income = table.rows_in("income")
    expense = table.rows_in("expense")
    assert (len(income), len(expense)) == ROWS_01[name]
    seen = {}
    for row in table.rows:
        cell = row.cell("amount")
        if cell.kind is CellKind.BLANK:
            continue
        assert cell.kind is CellKind.AMOUNT
        seen[(row.section, row.key)] = cell.raw
    assert seen == CELLS_01[name]


@pytest.mark.parametrize("name", [FINANCE, PLANNING])
def test_table_05_every_cell(name):
    table = _audited(name).document.table("05")
    assert set(table.columns) == {"total", "basic", "project"}
    got = {row.key: tuple(row.cell(c).raw for c in ("total", "basic", "project")) for row in table.rows}
    assert got == CELLS_05[name]
    assert list(got) == list(CELLS_05[name])  # in the printed order


@pytest.mark.parametrize("name", [FINANCE, PLANNING])
def test_table_09_every_cell(name):
    table = _audited(name).document.table("09")
    assert len(table.rows) == 1
    row = table.rows[0]
    got = {key: (row.cell(f"budget_{key}").raw, row.cell(f"final_{key}").raw) for key in _SANGONG_KEYS}
    assert got == CELLS_09[name]


def test_empty_tables_are_read_as_declared_empty():
    doc = _audited(FINANCE).document
    for table_id in ("07", "08"):  # 08 is printed without ruling lines
        table = doc.table(table_id)
        assert table.readable and table.declared_empty and not table.has_data, table_id


# --- identities and findings ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [FINANCE, PLANNING])
def test_within_table_identities_hold(name):
    result = _audited(name)
    for outcome in result.outcomes:
        if outcome.rule.startswith("T"):
            assert outcome.status.value in ("pass", "not_applicable"), (outcome.rule, outcome.reason)
            assert not [f for f in outcome.findings if f.severity is not Severity.NOTE], outcome.rule


@pytest.mark.parametrize("name", [FINANCE, PLANNING])
def test_no_rule_is_left_unchecked(name):
    result = _audited(name)
    assert [o.rule for o in result.outcomes if o.status.value == "could_not_check"] == []


def test_finance_bureau_section_four_total_is_reported():
    result = _audited(FINANCE)
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    # and 一般公共服务支出 2106.66/2940.05 = 71.65% written 71.73% (the shares then add to 100.07%):
    # tests/realdocs/putuo-finance-bureau-2024.narrative.yaml
    assert sorted((f.rule, f.location.table, f.expected, f.actual) for f in errors) == [
        ("N.amount_matches_table", "04", "2961.68", "0.30"),
        ("N.share", "05", "71.65%", "71.73%"),
        ("N.share_total", "05", "100%", "100.07%"),
    ]
    assert "财政拨款收入支出总计0.3万元" in errors[0].location.quote
    assert not [f for f in result.findings if f.severity is Severity.WARNING]


def test_planning_resources_genuine_defects_only():
    result = _audited(PLANNING)
    assert result.document.unit_name == "上海市普陀区规划和自然资源局"
    errors = {(f.rule, f.expected, f.actual) for f in result.findings if f.severity is Severity.ERROR}
    # narrative 基本支出 and 人员经费 include non-fiscal money (03: 5377.64), the tables say 5364.75 / 4884.09
    assert ("N.amount_matches_table", "5364.75", "5377.64") in errors
    assert ("N.amount_matches_table", "4884.09", "4896.98") in errors
    # nothing the reader invented: no table-internal errors, no could-not-read warnings
    assert not [f for f in result.findings if f.rule.startswith(("T", "C.tables_readable"))
                and f.severity is not Severity.NOTE]
    assert not [f for f in result.findings if f.rule == "N.sangong_counts"]


def test_planning_resources_keeps_the_note_under_every_grid():
    """Each table prints 注：本表反映… under its grid: a note, never joined into the grid's last row."""
    document = _audited(PLANNING).document
    for table_id in [f"{i:02d}" for i in range(1, 10)]:
        notes = document.tables[table_id].notes
        assert len(notes) == 1 and notes[0].startswith("注:本表反映部门本年度"), (table_id, notes)


# --- the template and the budgets -------------------------------------------------------------------------


def test_template_is_reported_for_its_residue():
    result = _audited(TEMPLATE)
    residue = [f for f in result.findings if f.rule == "C.template_residue"]
    assert residue and any("XX" in (f.location.quote or "") for f in residue)


@pytest.mark.parametrize("name", [TEMPLATE, FINANCE])
def test_cli_check_runs(name):
    path = _path(name)
    done = subprocess.run([sys.executable, "-m", "juesuan.cli", "check", str(path)], capture_output=True, text=True,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "lib")}, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("name", ["not-final-accounts-budget-2025-dept.pdf", "not-final-accounts-budget-2025-unit.pdf"])
def test_budgets_are_refused_with_exit_code_2(name):
    path = _path(name)
    done = subprocess.run([sys.executable, "-m", "juesuan.cli", "check", str(path)], capture_output=True, text=True,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "lib")}, timeout=300)
    assert done.returncode == 2
    assert "预算" in done.stderr
