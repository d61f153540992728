"""The narrative rules on the real 决算 PDFs (../shared/realdocs), against expectations checked by hand.

``tests/realdocs/<pdf stem>.narrative.yaml`` lists every error and warning of the narrative rules
(N.*), C.template_residue and C.year on that document, each with why it is real. The test fails on a
finding nobody explained and on a listed one that disappeared. Also here: the honest ledger (no rule
passes without comparisons and their evidence), the skipped share, and a flipped 大于/小于 caught on a
real document's text.
"""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

import pytest
import yaml

from juesuan.claims import claims_summary
from juesuan.core.model import Paragraph
from juesuan.engine import audit
from juesuan.extract import read_document
from juesuan.rules import REGISTRY, Severity, Status

from conftest import REALDOCS, SEED

EXPECTATIONS = Path(__file__).with_name("realdocs")
STEMS = sorted(p.name.removesuffix(".narrative.yaml") for p in EXPECTATIONS.glob("*.narrative.yaml"))
TEXT_RULES = {"C.template_residue", "C.year"}
NARRATIVE_RULES = sorted(r for r in REGISTRY if r.startswith("N.") or r in TEXT_RULES)

_CACHE: dict[str, object] = {}


def _document(stem: str):
    if stem == "seed":
        return read_document(SEED)
    path = REALDOCS / f"{stem}.pdf"
    if not path.exists():
        pytest.skip(f"{path.name} not present (../shared/realdocs)")
    from juesuan.core.exceptions import InputError, JavaUnavailableError
    from juesuan.extract.pdf import java_home

    try:
        java_home()
    except JavaUnavailableError:
        pytest.skip("no Java runtime for tabula")
    try:
        return read_document(path)
    except InputError as exc:
        pytest.skip(f"{path.name} is not read today ({exc}); its expectations are provisional")


def _audited(stem: str):
    if stem not in _CACHE:
        _CACHE[stem] = audit(_document(stem))
    return _CACHE[stem]


def _key(rule, severity, expected, actual) -> tuple[str, str, str, str]:
    return rule, severity, str(expected), str(actual)


@pytest.mark.parametrize("stem", STEMS)
def test_every_narrative_finding_is_explained(stem):
    spec = yaml.safe_load((EXPECTATIONS / f"{stem}.narrative.yaml").read_text(encoding="utf-8"))
    assert all(item.get("why") for item in spec["findings"]), "every listed finding says why it is real"
    listed = Counter(_key(i["rule"], i["severity"], i["expected"], i["actual"]) for i in spec["findings"])
    result = _audited(stem)
    found = Counter(_key(f.rule, f.severity.value, f.expected, f.actual) for f in result.findings
                    if f.rule in NARRATIVE_RULES and f.severity in (Severity.ERROR, Severity.WARNING))
    unexplained = found - listed
    disappeared = listed - found
    assert not unexplained, f"findings nobody explained: {sorted(unexplained)}"
    assert not disappeared, f"listed findings that disappeared: {sorted(disappeared)}"


@pytest.mark.parametrize("stem", ["seed", *STEMS])
def test_no_narrative_rule_passes_without_comparing(stem):
    """A rule that compared nothing is not applicable with its reason; every comparison counted leaves
    its evidence (so a rule cannot count what it never compared, as N.budget_direction once did)."""
    result = _audited(stem)
    for outcome in result.outcomes:
        if outcome.rule not in NARRATIVE_RULES:
            continue
        if outcome.status is Status.PASS:
            assert outcome.comparisons > 0, outcome.rule
            assert len(outcome.evidence) == outcome.comparisons, (outcome.rule, outcome.comparisons, len(outcome.evidence))
        if outcome.comparisons == 0:
            assert outcome.status in (Status.NOT_APPLICABLE, Status.COULD_NOT_CHECK), outcome.rule
            assert outcome.reason, outcome.rule


@pytest.mark.parametrize("stem", ["seed", *STEMS])
def test_fewer_than_a_tenth_of_the_claims_are_skipped(stem):
    ledger = claims_summary(_audited(stem).claims)
    assert ledger["extracted"] > 0
    assert ledger["skipped"] < 0.10 * ledger["extracted"], ledger
    assert ledger["checked"] + ledger["skipped"] + ledger["uncheckable"] + ledger["not_compared"] == ledger["extracted"]


def test_json_carries_the_claims_ledger():
    data = _audited("seed").to_json_dict()
    assert set(data["claims"]) >= {"extracted", "checked", "skipped", "skipped_reasons"}
    assert data["claims"]["checked"] > 0


def test_budget_direction_sees_the_words_of_a_real_document():
    """On 普陀区财政局 every item's 决算数小于预算数 stands in the sentence after its figures."""
    result = _audited("putuo-finance-bureau-2024")
    outcome = next(o for o in result.outcomes if o.rule == "N.budget_direction")
    words = [e for e in outcome.evidence if "比较用词" in e.what]
    assert outcome.status is Status.PASS and len(words) >= 10


def test_budget_direction_catches_a_flipped_word_on_a_real_document():
    document = copy.deepcopy(_document("putuo-finance-bureau-2024"))
    flipped = 0
    for section in document.sections:
        for i, paragraph in enumerate(section.paragraphs):
            if "决算数小于预算数" in paragraph.text.replace(" ", "").replace("\n", ""):
                text = paragraph.text.replace("小于", "大于")
                flipped += text != paragraph.text
                section.paragraphs[i] = Paragraph(text=text, location=paragraph.location)
    assert flipped >= 5
    result = audit(document, ["N.budget_direction"])
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    assert result.outcomes[0].status is Status.FAIL
    assert len(errors) >= 5 and all("大于" in f.actual for f in errors)
