"""Narrative sentences as real documents phrase them (issue #10): sentence -> claims -> verdict.

The cases live in ``narrative_cases.yaml``: sentences reworded from real 情况说明 of many provinces
(structure and figures kept, wording changed), each with the claims it must yield and the rules that
must report an error or warning on it (none for a correct sentence). Correct sentences at the edge of
rounding are there: they must pass.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from juesuan.claims import extract_claims
from juesuan.core.model import Document, Location, Paragraph, Section
from juesuan.engine import audit
from juesuan.extract.structure import section_table
from juesuan.rules import REGISTRY, Severity

CASES = yaml.safe_load((Path(__file__).with_name("narrative_cases.yaml")).read_text(encoding="utf-8"))["cases"]
TEXT_RULES = [r for r in REGISTRY if r.startswith("N.") or r in ("C.template_residue",)]


def document(case: dict) -> Document:
    """A narrative-only document: one section (its heading names the table it explains), one paragraph a line."""
    heading = case.get("heading", "一、收入支出决算总体情况说明")
    lines = [line for line in case["text"].strip().split("\n")]
    paragraphs = [Paragraph(text=line, location=Location(line=i + 2)) for i, line in enumerate(lines)]
    section = Section(number=1, heading=heading, paragraphs=paragraphs, location=Location(line=1),
                      table_id=section_table(heading))
    return Document(source=f"<{case['id']}>", unit_name="测试单位", year=case.get("year", 2024), scope=None, template=None,
                    tables={}, sections=[section], glossary=[], annex=[], lines=[heading, *lines])


def _matches(claim, spec: dict) -> bool:
    if claim.kind != spec["kind"]:
        return False
    if "subject" in spec and claim.subject != spec["subject"]:
        return False
    if "direction" in spec and (claim.direction.value if claim.direction else None) != spec["direction"]:
        return False
    for key, value in spec.get("figures", {}).items():
        if key not in claim.figures or claim.figures[key].value != Decimal(str(value)):
            return False
    return True


def test_the_corpus_is_wide_enough():
    assert len(CASES) >= 150
    assert len({c["province"] for c in CASES}) >= 10
    assert len({c["id"] for c in CASES}) == len(CASES)
    assert any(c.get("edge") for c in CASES) and any(c["expect"] for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case):
    doc = document(case)
    claims = extract_claims(doc)
    for spec in case.get("claims", []):
        assert any(_matches(c, spec) for c in claims), (
            f"no claim {spec}; got {[(c.kind.value, c.subject, {k: v.text for k, v in c.figures.items()}) for c in claims]}")
    result = audit(doc, TEXT_RULES)
    found = sorted({f.rule for f in result.findings if f.severity in (Severity.ERROR, Severity.WARNING)})
    assert found == sorted(case["expect"]), [
        (f.rule, f.message) for f in result.findings if f.severity in (Severity.ERROR, Severity.WARNING)]
