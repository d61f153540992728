"""The synthetic disclosures of juesuan_dev.synth against the engine (data-driven).

Thirty generated units, some with injected faults, a few rendered as PDF. For every unit: it reads;
a clean unit (no fault) has no error- or warning-level finding — the engine gives no false errors on
varied consistent documents; a faulted unit fails every rule its answer-key entry names. Also: every
fault kind of the catalogue makes its rules fail on some unit, the answer key matches the files, and
generation is deterministic for a seed.
"""

from __future__ import annotations

import filecmp
import json
import random
from collections import Counter

import pytest

from juesuan.engine import audit, audit_path
from juesuan.core.exceptions import JavaUnavailableError
from juesuan.extract.text import read_text
from juesuan.rules import Severity, Status, registry
from juesuan_dev.synth import FAULTS, build_unit, features, generate

SEED = 7
UNITS = 30
PDF_SHARE = 0.1  # three PDFs: reading a PDF takes a few seconds


def _java_available() -> bool:
    from juesuan.extract.pdf import java_home

    try:
        java_home()
    except JavaUnavailableError:
        return False
    return True


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    units = generate(UNITS, out, faults=True, seed=SEED, pdf_share=PDF_SHARE)
    return out, units


@pytest.fixture(scope="module")
def results(corpus):
    """Each unit audited once (PDF units only when Java is available)."""
    _, units = corpus
    java = _java_available()
    audited = {}
    for unit in units:
        if unit.file_name.endswith(".pdf") and not java:
            continue
        audited[unit.file_name] = audit_path(unit.path)
    return audited


def _problems(result):
    return [f for f in result.findings if f.severity in (Severity.ERROR, Severity.WARNING)]


@pytest.mark.parametrize("index", range(UNITS))
def test_unit(corpus, results, index):
    _, units = corpus
    unit = units[index]
    if unit.file_name not in results:
        pytest.skip("no Java runtime for tabula: PDF unit not read")
    result = results[unit.file_name]
    doc = result.document
    assert doc.unit_name == unit.unit
    assert doc.year == unit.year
    if not unit.faults:
        assert doc.template == unit.template
        problems = _problems(result)
        assert not problems, f"{unit.file_name} ({unit.unit}) is consistent but the engine reports: " + "; ".join(
            f"{f.rule}: {f.message}" for f in problems)
        return
    status = {o.rule: o for o in result.outcomes}
    for fault in unit.faults:
        for rule_id in fault.rules:
            outcome = status[rule_id]
            assert outcome.status is Status.FAIL, (
                f"{unit.file_name}: fault {fault.kind} ({fault.description}) should fail {rule_id}: "
                f"{outcome.status.value} {outcome.reason}")


def test_corpus_has_faults_clean_units_and_pdfs(corpus):
    _, units = corpus
    faulted = [u for u in units if u.faults]
    assert 0.2 * UNITS <= len(faulted) <= 0.6 * UNITS
    assert all(1 <= len(u.faults) <= 2 for u in faulted)
    assert sum(u.file_name.endswith(".pdf") for u in units) == 3


def test_answer_key_matches_files(corpus):
    out, units = corpus
    key = json.loads((out / "answer_key.json").read_text(encoding="utf-8"))
    assert key["seed"] == SEED
    files = sorted(p.name for p in out.iterdir() if p.name != "answer_key.json")
    assert sorted(key["units"]) == files == sorted(u.file_name for u in units)
    for unit in units:
        entry = key["units"][unit.file_name]
        assert entry["unit"] == unit.unit and entry["year"] == unit.year and entry["template"] == unit.template
        assert entry["template"] in ("shanxi-10", "shanghai-9")
        for fault in entry["faults"]:
            assert fault["kind"] and fault["description"] and fault["rules"]
            assert set(fault["rules"]) <= set(registry())


def test_deterministic(corpus, tmp_path):
    out, units = corpus
    again = generate(UNITS, tmp_path, faults=True, seed=SEED, pdf_share=PDF_SHARE)
    assert [u.file_name for u in again] == [u.file_name for u in units]
    names = [u.file_name for u in units] + ["answer_key.json"]
    match, mismatch, errors = filecmp.cmpfiles(out, tmp_path, names, shallow=False)
    assert not mismatch and not errors
    other = generate(3, tmp_path / "other", seed=SEED + 1, pdf_share=0)
    assert other[0].path.read_text(encoding="utf-8") != (out / units[0].file_name).read_text(encoding="utf-8") or \
        units[0].file_name.endswith(".pdf")


def test_variation():
    """Over a hundred units the generator covers the variation space the brief asks for."""
    seen = Counter()
    for index in range(100):
        model, text, _ = build_unit(SEED, index)
        f = features(model)
        seen[model.template] += 1
        seen[model.kind] += 1
        seen[model.scope] += 1
        seen[model.year] += 1
        seen["fund_07"] += f["fund_07"]
        seen["sangong_09"] += f["sangong_09"]
        seen["procurement"] += f["procurement"]
        seen["vehicles"] += bool(f["vehicles"])
        seen["non_fiscal"] += f["non_fiscal"]
        for residue in ("某某", "XX", "××"):
            assert residue not in text
    for needed in ("shanxi-10", "shanghai-9", "行政", "事业", "参公", "部门", "单位", 2022, 2023, 2024, 2025, "fund_07",
                   "sangong_09", "procurement", "vehicles", "non_fiscal"):
        assert seen[needed] > 0, needed


def _first_applicable(kind):
    for index in range(80):
        model, text, _ = build_unit(SEED + 1000, index)
        try:
            new, description = kind.inject(text, model, random.Random(index))
        except Exception:  # noqa: BLE001 - not applicable to this unit
            continue
        if new != text:
            return new, description
    return None


def test_fault_catalogue():
    assert len(FAULTS) >= 15
    assert len({k.kind for k in FAULTS}) == len(FAULTS)
    for kind in FAULTS:
        assert kind.rules and set(kind.rules) <= set(registry()), kind.kind
    families = {registry()[r].family for k in FAULTS for r in k.rules}
    assert {"tables", "cross", "narrative", "completeness"} <= families


@pytest.mark.parametrize("kind", FAULTS, ids=[k.kind for k in FAULTS])
def test_each_fault_kind_fails_its_rules(kind):
    found = _first_applicable(kind)
    assert found is not None, f"{kind.kind} applies to no generated unit"
    text, description = found
    result = audit(read_text(text, source=f"<{kind.kind}>"))
    status = {o.rule: o for o in result.outcomes}
    for rule_id in kind.rules:
        assert status[rule_id].status is Status.FAIL, f"{kind.kind} ({description}): {rule_id} {status[rule_id].reason}"
