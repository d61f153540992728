"""Narrative claims come out structured: kind, subject, figures, direction, the sentence quoted."""

from __future__ import annotations

from decimal import Decimal

import pytest

from juesuan.claims import extract_claims
from juesuan.core.normalize import compact
from juesuan.extract import read_document

from conftest import SEED


@pytest.fixture(scope="module")
def claims():
    return extract_claims(read_document(SEED))


def find(claims, kind, subject, section=None):
    return [c for c in claims if c.kind == kind and c.subject == subject and (section is None or c.section == section)]


CASES = [
    # (kind, subject, section, figures, direction)
    ("amount", "收入总计", 1, {"amount": "365.65"}, None),
    ("yoy", "收入总计", 1, {"change": "59.73", "percent": "14.04", "current": "365.65"}, "down"),
    ("share", "基本支出", 3, {"amount": "340.67", "percent": "93.17"}, None),
    ("share", "一般公共服务支出", 5, {"amount": "249.89", "percent": "68.34"}, None),
    ("budget", "一般公共预算财政拨款支出", 5, {"budget": "352.87", "budget_initial": "352.87", "final": "365.65", "rate": "103.62"}, None),
    ("budget", "卫生健康支出", 5, {"budget": "13.09", "budget_initial": "13.09", "final": "13.02", "rate": "99.47"}, None),
    ("yoy", "社会保障和就业支出", 5, {"change": "13.15", "percent": "20.32", "current": "77.85"}, "up"),
    ("amount", "住房公积金", 6, {"amount": "24.9"}, None),
    ("count", "出国团组", 9, {"count": "0"}, None),
    ("count", "车辆保有量", 9, {"count": "0"}, None),
    ("absence", "机关运行经费", 10, {}, None),
    ("count", "绩效自评项目", 10, {"count": "1"}, None),
]

# Words of the sentence each claim of CASES must quote: every kind is held to its own sentence.
QUOTES = {
    ("amount", "收入总计", 1): "2024年度收入总计365.65万元",
    ("yoy", "收入总计", 1): "收入总计减少59.73万元，下降14.04%",
    ("share", "基本支出", 3): "基本支出340.67万元，占比93.17%",
    ("share", "一般公共服务支出", 5): "一般公共服务支出（类）249.89万元，占比68.34%",
    ("budget", "一般公共预算财政拨款支出", 5): "一般公共预算财政拨款支出年初预算352.87万元",
    ("budget", "卫生健康支出", 5): "卫生健康支出年初预算13.09万元，支出决算13.02万元，完成年初预算的99.47%",
    ("yoy", "社会保障和就业支出", 5): "较上年决算增加13.15万元，增长20.32%，主要原因是社保基数变更",
    ("amount", "住房公积金", 6): "住房公积金24.9万元",
    ("count", "出国团组", 9): "出国（境）团组共0个",
    ("count", "车辆保有量", 9): "公务用车保有量共0辆",
    ("absence", "机关运行经费", 10): "本部门（单位）无机关运行经费",
    ("count", "绩效自评项目", 10): "绩效自评个数1个",
}


@pytest.mark.parametrize("kind,subject,section,figures,direction", CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_claim_extracted(claims, kind, subject, section, figures, direction):
    found = find(claims, kind, subject, section)
    assert found, f"no {kind} claim for {subject} in section {section}"
    claim = found[0]
    assert {k: v.value for k, v in claim.figures.items()} == {k: Decimal(v) for k, v in figures.items()}
    assert claim.direction == direction
    # The quote is the sentence that makes the claim (for every kind), not merely one that mentions it.
    assert compact(QUOTES[kind, subject, section]) in compact(claim.quote), claim.quote


def test_share_denominators(claims):
    explicit = find(claims, "share", "一般公共预算财政拨款支出", 5)[0]
    assert explicit.denominator == "本年支出合计"
    implied = find(claims, "share", "项目支出", 3)[0]
    assert implied.denominator is None and implied.parts[0].subject == "支出合计"


def test_breakdown_lists_every_part(claims):
    wages = find(claims, "breakdown", "工资福利支出", 6)[0]
    assert [p.subject for p in wages.parts][:2] == ["基本工资", "津贴补贴"] and len(wages.parts) == 10
    procurement = find(claims, "breakdown", "政府采购支出总额", 10)[0]
    assert procurement.marker == "其中" and len(procurement.parts) == 3


def test_threshold_is_not_an_amount(claims):
    assert not [c for c in claims if c.kind == "amount" and c.figures["amount"].value == 100]


def test_kinds_and_directions_read_as_their_old_strings_and_have_chinese_labels():
    from juesuan.claims import ClaimKind, Direction

    assert ClaimKind.SHARE == "share" and f"{ClaimKind.BUDGET}" == "budget" and str(Direction.UP) == "up"
    assert ClaimKind("yoy") is ClaimKind.YOY
    assert all(k.label and not k.label.isascii() for k in ClaimKind)
    assert all(d.label and not d.label.isascii() for d in Direction)


def test_a_budget_word_in_the_next_sentence_is_the_claims(claims):
    from juesuan.claims import Direction

    # the seed states no 大于/小于: no budget claim may carry one it did not read
    assert all(c.direction is None for c in claims if c.kind == "budget")
    assert Direction.BELOW.label == "决算小于预算"
