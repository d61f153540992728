"""Year-on-year changes (and changes against the budget written the same way)."""

from __future__ import annotations

from decimal import Decimal

from juesuan.claims import Claim, ClaimKind, Direction
from juesuan.core.money import Interval, format_wan
from juesuan.rules.base import Check, NotApplicable, Severity, rule
from juesuan.rules.narrative.common import BASIS_5, checked, claims_of, current_of, skipped, tally, uncheckable, where


def _prior(check: Check, claim: Claim) -> tuple[Interval, Decimal] | None:
    """The implied base (上年数, or the budget for 比预算增加): current − change for an increase, + for a decrease."""
    current = current_of(check, claim)
    if current is None:
        return None
    change = claim.figures["change"].amount()
    sign = Decimal(1) if claim.direction is Direction.DOWN else Decimal(-1)
    return Interval.of(current) + Interval.of(change).scaled(sign), current.value + sign * change.value


def _base_name(claim: Claim) -> str:
    return "预算数" if claim.versus == "预算" else "上年数"


@rule("N.yoy_arithmetic", "增减率＝增减额÷上年数（增加时上年数＝本年－增加额，减少时＝本年＋减少额）", BASIS_5, "narrative")
def year_on_year_arithmetic(check: Check) -> None:
    for claim in claims_of(check, ClaimKind.YOY):
        if "percent" not in claim.figures:
            continue
        if "change" not in claim.figures:
            uncheckable(check, claim, "只有增减率，文件未列增减额和上年数")
            continue
        if claim.direction not in (Direction.UP, Direction.DOWN, Direction.SAME):
            continue
        prior = _prior(check, claim)
        if prior is None:
            skipped(check, claim, "找不到本年数")
            continue
        interval, point = prior
        checked(check, claim)
        if point <= 0:
            continue  # a zero (or negative) base is N.yoy_zero_base's
        if interval.low <= 0:  # a base that rounding may bring to zero: the ratio is unbounded above
            interval = Interval(Decimal("1e-9"), interval.high)
        pct = claim.figures["percent"]
        check.percent(Interval.of(claim.figures["change"].amount()), interval, pct.value, pct.half_step,
                      point=(claim.figures["change"].amount().value, point),
                      what=f"{claim.subject}增减率（{_base_name(claim)}{format_wan(point)}万元）", location=where(claim, "增减率"))


@rule("N.yoy_direction", "增减方向词前后一致（增加对应增长，减少对应下降）", BASIS_5, "narrative")
def year_on_year_direction(check: Check) -> None:
    for claim in claims_of(check, ClaimKind.YOY):
        if not claim.direction_word or "/" not in claim.direction_word:
            continue  # one direction word: nothing to hold it against
        conflict = claim.direction is Direction.CONFLICT
        tally(check, claim, f"{claim.subject}增减方向", "一致", claim.direction_word, "不符" if conflict else "相符")
        if conflict:
            check.report(Severity.ERROR, f"{claim.subject}：增减方向矛盾（{claim.direction_word}）", where(claim),
                         "方向一致", claim.direction_word, None)


@rule("N.yoy_zero_base", "上年数为零时不得表述增长百分比（由0到0写“增加0万元，增长0%”不算错）", BASIS_5, "narrative")
def year_on_year_zero_base(check: Check) -> None:
    for claim in claims_of(check, ClaimKind.YOY):
        if "change" not in claim.figures or "percent" not in claim.figures:
            continue
        prior = _prior(check, claim)
        if prior is None:
            skipped(check, claim, "找不到本年数")
            continue
        interval, point = prior
        if point > 0:
            continue  # a positive base: N.yoy_arithmetic's
        change = claim.figures["change"]
        pct = claim.figures["percent"]
        tally(check, claim, f"{claim.subject}{_base_name(claim)}", "大于0", format_wan(point), "不符")
        if change.value == 0 and pct.value == 0:
            check.report(Severity.NOTE, f"{claim.subject}{_base_name(claim)}与本年数均为0，“增长0%”并无实际意义",
                         where(claim, "增减率"), "无定义", f"{pct.text}%", None)
            continue
        if interval.high < 0 or point == 0:
            check.report(Severity.ERROR,
                         f"{claim.subject}{_base_name(claim)}推算为{format_wan(point)}万元，"
                         f"{claim.direction_word.split('/')[-1] if claim.direction_word else ''}{pct.text}%无意义（基数为零）",
                         where(claim, "增减率"), "无定义", f"{pct.text}%", None)


@rule("N.yoy_prior_sum", "各类支出推算的上年数之和＝总额推算的上年数", BASIS_5, "narrative")
def implied_prior_years_add_up(check: Check) -> None:
    yoy = [c for c in claims_of(check, ClaimKind.YOY) if c.table_id == "05" and "change" in c.figures
           and c.direction in (Direction.UP, Direction.DOWN) and c.versus == "上年"]
    table = check.doc.table("05")
    if table is None:
        raise NotApplicable("没有可读的公开05表")
    class_names = {r.label for r in table.coded_rows() if r.level == "类" and r.cell("total") and r.cell("total").has_money}
    totals = [c for c in yoy if c.subject in ("一般公共预算财政拨款支出", "一般公共预算财政拨款")]
    classes = [c for c in yoy if c.subject in class_names]
    if not totals or not classes:
        raise NotApplicable("情况说明没有同时给出总额和各类的上年比较")
    if {c.subject for c in classes} != class_names:
        missing = "、".join(sorted(class_names - {c.subject for c in classes}))
        check.skip(f"缺少{missing}的上年比较，无法推算")
        return
    total_prior = _prior(check, totals[0])
    parts = [_prior(check, c) for c in classes]
    if total_prior is None or any(p is None for p in parts):
        check.skip("本年数缺失")
        return
    checked(check, totals[0], *classes)
    expected = sum((p[1] for p in parts), Decimal(0))
    envelope = sum(((p[0].high - p[0].low) / 2 for p in parts), Decimal(0)) + (total_prior[0].high - total_prior[0].low) / 2
    check.compare(expected, total_prior[1], envelope, what="总额推算上年数与各类推算上年数之和",
                  location=where(totals[0], "上年数"))
