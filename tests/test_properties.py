"""Property-based tests: the text reader and the claim extractor never crash on what a document can
hold, and correctly rounded narrative figures never make a false error."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from juesuan.claims import extract_claims
from juesuan.engine import audit
from juesuan.core.exceptions import InputError
from juesuan.extract.text import read_text
from juesuan.rules import Severity, Status

from conftest import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
doc_chars = st.one_of(cjk, st.sampled_from(list("0123456789.,，。；：、%万元（）()—-\t \n<>&\"'年度合计总计占比增长下降")))


def no_rule_crashed(result) -> None:
    """The engine turns a rule that raises into could-not-check: that is a bug, never an outcome."""
    crashed = [f"{o.rule}: {o.crash}" for o in result.outcomes if o.crash]
    assert not crashed, crashed


def ran_and_compared(result, rule_id: str) -> list:
    """The rule ran to a verdict and compared figures; returns its comparisons (the evidence)."""
    outcome = next(o for o in result.outcomes if o.rule == rule_id)
    assert outcome.crash is None, f"{rule_id} crashed: {outcome.crash}"
    assert outcome.status in (Status.PASS, Status.FAIL), f"{rule_id}: {outcome.status.value} {outcome.reason}"
    assert outcome.comparisons > 0
    return outcome.evidence


@SLOW
@given(st.text(alphabet=doc_chars, max_size=400))
@example(SEED_TEXT)  # one text that certainly reads, so the audit below always runs at least once
@example(SEED_TEXT[: len(SEED_TEXT) // 2])
def test_reader_reads_or_refuses_any_text(text):
    try:
        doc = read_text(text, source="<hypothesis>")
    except InputError as exc:
        assert exc.reason and "\n" not in exc.reason
        return
    result = audit(doc)  # whatever was read, every rule ends with an outcome of its own
    assert len(result.outcomes) >= 40
    no_rule_crashed(result)


@SLOW
@given(st.integers(min_value=0, max_value=SEED_TEXT.count("\t") - 1), st.text(alphabet=doc_chars, max_size=12))
def test_any_cell_replaced_never_crashes_the_audit(position, replacement):
    index = -1
    for _ in range(position + 1):
        index = SEED_TEXT.index("\t", index + 1)
    text = SEED_TEXT[: index + 1] + replacement.replace("\n", "") + SEED_TEXT[index + 1:]
    result = audit(read_text(text, source="<hypothesis>"))
    assert len(result.outcomes) >= 40
    no_rule_crashed(result)


@SLOW
@given(st.lists(st.text(alphabet=doc_chars, min_size=1, max_size=80), min_size=1, max_size=6))
def test_claim_extractor_on_arbitrary_sentences(sentences):
    inserted = "财政拨款收入365.65万元，占比100.00%。\n\n" + "\n\n".join(s.replace("\n", "") for s in sentences) + "\n"
    text = SEED_TEXT.replace("财政拨款收入365.65万元，占比100.00%。\n", inserted, 1)
    doc = read_text(text, source="<hypothesis>")
    narrative = "\n".join(section.text for section in doc.sections)
    for claim in extract_claims(doc):
        assert claim.quote and claim.quote in narrative
        for figure in claim.figures.values():
            assert isinstance(figure.value, Decimal)


def _wan(yuan: int) -> Decimal:
    return (Decimal(yuan) / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@SLOW
@given(st.integers(min_value=10_000, max_value=10**10), st.integers(min_value=0, max_value=10**10))
@example(3_406_700, 249_800)  # the seed's own figures
def test_correctly_rounded_shares_are_never_errors(basic_yuan, project_yuan):
    # True amounts in 元, shown in 万元 and percentages computed from the shown amounts and rounded,
    # as a bureau's template does: the share rules must accept them.
    basic, project, total = _wan(basic_yuan), _wan(project_yuan), _wan(basic_yuan + project_yuan)
    if total == 0:
        return
    p1 = (basic / total * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    p2 = (project / total * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = SEED_TEXT.replace("2024年度支出合计365.65万元", f"2024年度支出合计{total}万元", 1)
    text = text.replace("基本支出340.67万元，占比93.17%", f"基本支出{basic}万元，占比{p1}%", 1)
    text = text.replace("项目支出24.98万元，占比6.83%", f"项目支出{project}万元，占比{p2}%", 1)
    result = audit(read_text(text, source="<hypothesis>"), ["N.share", "N.share_total"])
    assert not [f for f in result.findings if f.severity is Severity.ERROR], [f.message for f in result.findings]
    # ... and they were checked: the share of the sentence changed here was compared.
    compared = [c for c in ran_and_compared(result, "N.share") if c.what.startswith("基本支出占比")]
    assert [c.actual for c in compared] == [f"{p1}%"], [(c.what, c.actual) for c in compared]
    ran_and_compared(result, "N.share_total")


@SLOW
@given(st.integers(min_value=10_000, max_value=10**10), st.integers(min_value=1, max_value=10**9),
       st.booleans())
@example(3_656_500, 597_300, False)  # the seed's own sentence
def test_correct_year_on_year_statements_are_never_errors(current_yuan, change_yuan, up):
    current = _wan(current_yuan)
    change = _wan(change_yuan)
    prior = current - change if up else current + change
    if prior <= 0 or change == 0:
        return
    pct = (change / prior * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    words = ("增加", "增长") if up else ("减少", "下降")
    old = "收入总计365.65万元，支出总计365.65万元。与上年相比，收入总计减少59.73万元，下降14.04%"
    new = f"收入总计{current}万元，支出总计365.65万元。与上年相比，收入总计{words[0]}{change}万元，{words[1]}{pct}%"
    text = SEED_TEXT.replace(old, new, 1)
    result = audit(read_text(text, source="<hypothesis>"), ["N.yoy_arithmetic", "N.yoy_direction", "N.yoy_zero_base"])
    assert not [f for f in result.findings if f.severity is Severity.ERROR], [f.message for f in result.findings]
    # ... and they were checked: the rate of the sentence changed here was compared with the implied prior year.
    compared = [c for c in ran_and_compared(result, "N.yoy_arithmetic") if c.what.startswith("收入总计增减率")]
    assert [c.actual for c in compared] == [f"{pct}%"], [(c.what, c.actual) for c in compared]
    ran_and_compared(result, "N.yoy_direction")
