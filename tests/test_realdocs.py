"""Real 决算 documents read as expected: tests/realdocs/<pdf stem>.yaml per document in ../shared/realdocs.

Each expectation file pins the unit, year and template family, every table the document prints with its
page span and status, a few cells per table read, and every error/warning finding of a non-narrative rule
(rule ids not starting with ``N.``, other than C.template_residue and C.year, which the narrative side pins
in ``<stem>.narrative.yaml``) with why it is a real defect. The test fails on an unexplained finding and
on a listed one that no longer appears (``real: false`` marks a known false finding: its disappearance is
a fix, not a failure). A table listed ``could_not_read`` with an ``owner`` may become ``read`` once the
owner's part maps it; a C.tables_readable warning is explained by that status. Budgets must be refused.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from conftest import REALDOCS
from juesuan.cli import main
from juesuan.core.exceptions import InputError
from juesuan.engine import audit_path
from juesuan.extract import read_document
from juesuan.rules import Severity

HERE = Path(__file__).resolve().parent / "realdocs"
EXPECTATIONS = sorted(p for p in HERE.glob("*.yaml") if not p.name.endswith(".narrative.yaml"))
NARRATIVE_RULES = ("C.template_residue", "C.year")


def _structural(rule_id: str) -> bool:
    return not rule_id.startswith("N.") and rule_id not in NARRATIVE_RULES


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["tables"] = {str(k).zfill(2): v for k, v in data["tables"].items()}
    return data


@lru_cache(maxsize=None)
def _result(name: str):
    pdf = REALDOCS / name
    if not pdf.exists():
        pytest.skip(f"{pdf} not present")
    return audit_path(pdf)


@pytest.fixture(params=EXPECTATIONS, ids=[p.stem for p in EXPECTATIONS])
def case(request):
    expected = _load(request.param)
    return expected, _result(expected["file"])


def test_identity_and_template(case):
    expected, result = case
    doc = result.document
    assert (doc.unit_name, doc.year, doc.template, doc.kind) == (expected["unit"], expected["year"], expected["template"], "final")


def test_every_table_with_its_pages_and_status(case):
    expected, result = case
    doc = result.document
    assert sorted(doc.tables) == sorted(expected["tables"]), "tables found"
    for table_id, want in expected["tables"].items():
        table = doc.tables[table_id]
        assert table.pages and list(table.pages) == want["pages"], f"{table_id} pages {table.pages}"
        status = "read" if table.readable else "could_not_read"
        allowed = {want["status"]} | ({"read"} if want.get("owner") else set())
        assert status in allowed, f"{table_id}: {status} ({table.unreadable_reason})"
        if status == "could_not_read" and want.get("reason"):
            assert want["reason"] in table.unreadable_reason, f"{table_id}: {table.unreadable_reason}"


def test_pinned_cells(case):
    expected, result = case
    for table_id, want in expected["tables"].items():
        table = result.document.tables[table_id]
        if not table.readable:
            continue
        for c in want.get("cells", ()):
            row = table.row(str(c["row"]), c.get("section"))
            assert row is not None, f"{table_id} row {c['row']} ({c.get('section')})"
            cell = row.cell(c["column"])
            assert cell is not None and cell.value == Decimal(c["value"]), f"{table_id} {c}: {cell and cell.raw}"


def test_every_structural_finding_is_explained(case):
    expected, result = case
    unreadable = {tid for tid, t in result.document.tables.items() if not t.readable}
    listed = expected.get("findings") or []
    for entry in listed:
        assert entry.get("why") and entry["why"] != "TODO", f"{entry['rule']}: say why"
    found = [f for f in result.findings if f.severity in (Severity.ERROR, Severity.WARNING) and _structural(f.rule)]
    unexplained = []
    for f in found:
        if f.rule == "C.tables_readable" and f.location.table in unreadable:
            continue
        if not any(e["rule"] == f.rule and e["contains"] in f.message and e["severity"] == f.severity.value for e in listed):
            unexplained.append(f"{f.severity.value} {f.rule} {f.message}")
    assert not unexplained, "findings not in the expectation file:\n" + "\n".join(unexplained)
    gone = [e for e in listed if e.get("real", True)
            and not any(e["rule"] == f.rule and e["contains"] in f.message for f in found)]
    assert not gone, f"listed findings that no longer appear: {gone}"


BUDGETS = sorted(REALDOCS.glob("not-final-accounts-*.pdf")) if REALDOCS.exists() else []


@pytest.mark.parametrize("pdf", BUDGETS, ids=[p.stem for p in BUDGETS])
def test_budgets_are_refused_as_budgets(pdf, capsys):
    with pytest.raises(InputError) as info:
        read_document(pdf)
    assert info.value.code == "not_final_accounts" and "预算" in str(info.value), str(info.value)
    assert "损坏" not in str(info.value)


def test_budget_exits_2_naming_it(capsys):
    if not BUDGETS:
        pytest.skip("no budgets present")
    assert main(["check", str(BUDGETS[0])]) == 2
    assert "预算" in capsys.readouterr().err
