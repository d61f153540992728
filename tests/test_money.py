"""Exact amounts: parsing, cell kinds, rounding intervals (property-based where it pays)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juesuan.core.money import Amount, CellKind, Interval, NumberFormatError, classify_cell, parse_decimal


@pytest.mark.parametrize("text,value", [
    ("2,995.39", "2995.39"), ("１２３.４５", "123.45"), (" 0.00 ", "0.00"), ("-3.5", "-3.5"), ("141,891", "141891"),
])
def test_parse_decimal(text, value):
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "12,34", "NaN", "1e5", "∞"])
def test_parse_decimal_rejects(text):
    with pytest.raises(NumberFormatError):
        parse_decimal(text)


@pytest.mark.parametrize("text,kind", [("", CellKind.BLANK), ("   ", CellKind.BLANK), ("——", CellKind.DASH),
                                       ("-", CellKind.DASH), ("0.00", CellKind.AMOUNT), ("本表无数据", CellKind.TEXT)])
def test_cell_kinds(text, kind):
    assert classify_cell(text)[0] is kind


def test_amount_interval_and_units():
    a = Amount.from_printed("249.89")
    assert (a.low, a.high) == (Decimal("249.885"), Decimal("249.895"))
    yuan = Amount.from_printed("2,498,900.00", "元")
    assert yuan.value == Decimal("249.89") and yuan.half_step == Decimal("0.0000005")
    one_decimal = Amount.from_printed("24.9")
    assert one_decimal.half_step == Decimal("0.005")  # narratives drop trailing zeros: read as 24.90
    assert Amount.from_printed("3", "辆").half_step == 0


def test_ratio_interval():
    ratio = Interval.of(Amount.from_printed("340.67")).ratio(Interval.of(Amount.from_printed("365.65")))
    assert ratio.low < Decimal("0.9317") < ratio.high
    assert Interval.point(Decimal(1)).ratio(Interval.point(Decimal(0))) is None


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False, allow_infinity=False))
def test_parse_roundtrip_with_separators(value):
    text = f"{value:,.2f}"
    assert parse_decimal(text) == value


@given(st.text(max_size=30))
def test_parser_never_raises_anything_else(text):
    try:
        result = parse_decimal(text)
    except NumberFormatError:
        return
    assert isinstance(result, Decimal) and result.is_finite()


@given(st.lists(st.integers(min_value=0, max_value=10**10), min_size=1, max_size=30))
def test_a_true_tail_error_always_fits_the_envelope(yuan):
    # Tables are compiled in 元 and shown rounded to 0.01 万元 (DOMAIN.md §6): the shown parts of a
    # correct table never miss its shown total by more than the envelope the rules allow. Asked of the
    # rules' own comparison (Check.sum_equals), not of a copy of its formula.
    from decimal import ROUND_HALF_UP

    from juesuan.core.model import Document, Location
    from juesuan.rules.base import Check, Context, Rule, Severity

    def shown(y: int) -> Amount:
        return Amount.from_printed(str((Decimal(y) / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)))

    doc = Document(source="<property>", unit_name=None, year=None, scope=None, template=None, tables={},
                   sections=[], glossary=[], annex=[], lines=[])
    check = Check(Rule("P.envelope", "", "", "tables", lambda c: None), doc, Context())
    check.sum_equals([(1, shown(y)) for y in yuan], shown(sum(yuan)), what="合计＝各项之和", location=Location())
    assert check.comparisons == 1
    assert not [f for f in check.findings if f.severity is Severity.ERROR], [f.message for f in check.findings]