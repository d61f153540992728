"""The unmodified seed: no false error, the three rounding gaps of DOMAIN.md §6 as notes."""

from __future__ import annotations

import pytest

from juesuan.engine import audit
from juesuan.extract import read_document
from juesuan.rules import REGISTRY, Severity, Status, registry

from conftest import SEED


@pytest.fixture(scope="module")
def result():
    return audit(read_document(SEED))


def test_only_the_documents_real_defect_is_an_error(result):
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    # The one real defect: the self-evaluation table prints 产出指标 (30分) while its own scoring rule
    # says 产出指标50分 (and the weights 10+30+30+10 would not make 100; the 45 points scored need 50).
    assert [(f.rule, f.expected, f.actual) for f in errors] == [("A.weights_consistent", "50", "30")]
    assert errors[0].location.table == "附件"
    assert not [f for f in result.findings if f.severity is Severity.WARNING]


def test_the_three_rounding_gaps_are_notes(result):
    notes = [f for f in result.findings if f.severity is Severity.NOTE]
    assert notes and all(f.difference in ("0.01", "-0.01") for f in notes)
    where = {(f.rule, f.location.table, (f.location.row or "").split(" ")[0]) for f in notes}
    assert ("T06.hierarchy", "06", "303") in where  # 36.28 + 0.12 = 36.40 against 36.39
    assert ("T06.hierarchy", "06", "302") in where  # the 302 items add to 17.94 against 17.95
    assert ("T05.hierarchy", "05", "201") in where  # 249.28 + 0.60 = 249.88 against 249.89
    gap_303 = next(f for f in notes if f.rule == "T06.hierarchy" and f.location.row.startswith("303"))
    assert (gap_303.expected, gap_303.actual) == ("36.40", "36.39")


def test_ledger_covers_every_rule_and_never_passes_what_did_not_run(result):
    assert len(result.outcomes) == len(registry()) >= 40
    by_rule = {o.rule: o for o in result.outcomes}
    assert by_rule["T09.total"].status is Status.NOT_APPLICABLE  # 09 says 本表无数据
    assert "本表无数据" in by_rule["T09.total"].reason
    assert not [o for o in result.outcomes if o.status is Status.COULD_NOT_CHECK]
    for outcome in result.outcomes:
        if outcome.status is Status.PASS:
            assert outcome.comparisons > 0, outcome.rule


def test_rule_metadata_is_complete():
    for rule in REGISTRY.values():
        assert rule.statement and rule.basis.startswith("DOMAIN.md")
        assert rule.family in {"tables", "cross", "narrative", "completeness", "annex"}


def test_a_rule_that_crashes_is_could_not_check():
    from juesuan.rules.base import Rule

    def broken(check):
        raise KeyError("boom")

    rules = {**registry(), "Z.broken": Rule("Z.broken", "测试", "DOMAIN.md", "tables", broken)}
    outcomes = audit(read_document(SEED), rules=rules).outcomes
    outcome = next(o for o in outcomes if o.rule == "Z.broken")
    assert outcome.status is Status.COULD_NOT_CHECK and "KeyError" in outcome.reason
    assert outcome.crash == "KeyError: 'boom'"
    assert [o.rule for o in outcomes if o.crash] == ["Z.broken"]


def test_unreadable_table_is_could_not_check_not_pass(seed_text):
    from juesuan.extract.text import read_text

    text = seed_text.replace("本年收入合计\t财政拨款收入\t上级补助收入", "本年收入合计\t某某\t上级补助收入", 1)
    result = audit(read_text(text))
    by_rule = {o.rule: o for o in result.outcomes}
    assert not result.document.tables["02"].readable
    assert by_rule["T02.columns"].status is Status.COULD_NOT_CHECK
    assert by_rule["X01_02.income_total"].status is Status.COULD_NOT_CHECK
