"""Budget against final (年初预算 / 全年预算 / 调整预算, 决算, 完成率, 大于/小于/持平)."""

from __future__ import annotations

from decimal import Decimal

from juesuan.claims import Claim, ClaimKind, Direction
from juesuan.core.money import Interval, format_wan
from juesuan.rules.base import Check, NotApplicable, Severity, rule
from juesuan.rules.narrative.common import BASIS_5, checked, claims_of, skipped, tally, uncheckable, where

_NAMES = {"budget_initial": "年初预算", "budget_full": "全年预算", "budget_adjusted": "调整预算", "budget_plain": "预算"}


def rate_budget(claim: Claim) -> tuple[str, str] | None:
    """The budget figure a completion rate is of: the one the rate names (完成年初预算的…), else the only one."""
    figs = claim.figures
    named = claim.denominator
    if named in figs:
        return named, _NAMES[named]
    stated = [k for k in _NAMES if k in figs]
    if named == "budget_plain" or named is None:
        return (stated[0], _NAMES[stated[0]]) if len(stated) == 1 else None
    return None


def compared_budget(claim: Claim) -> tuple[str, str] | None:
    """The budget a 大于/小于 word compares with: the rate's, else 年初预算, else the only one."""
    found = rate_budget(claim)
    if found:
        return found
    figs = claim.figures
    for key in ("budget_initial", "budget_plain", "budget_full", "budget_adjusted"):
        if key in figs:
            return key, _NAMES[key]
    return None


@rule("N.budget_rate", "预算完成率＝决算数÷所指预算数（年初、全年或调整预算）", BASIS_5, "narrative")
def budget_completion_rate(check: Check) -> None:
    for claim in claims_of(check, ClaimKind.BUDGET):
        figs = claim.figures
        if "rate" not in figs:
            continue
        if "final" not in figs:
            skipped(check, claim, "找不到决算数")
            continue
        found = rate_budget(claim)
        if found is None:
            skipped(check, claim, "完成率所指的预算不明")
            continue
        key, name = found
        if figs[key].value == 0:
            continue  # N.budget_zero_base
        budget, final, rate = figs[key].amount(), figs["final"].amount(), figs["rate"]
        checked(check, claim)
        check.percent(Interval.of(final), Interval.of(budget), rate.value, rate.half_step,
                      point=(final.value, budget.value), what=f"{claim.subject}完成{name}的比率", location=where(claim, "完成率"))


@rule("N.budget_zero_base", "预算为零时不得有有限的完成率", BASIS_5, "narrative")
def budget_zero_base(check: Check) -> None:
    for claim in claims_of(check, ClaimKind.BUDGET):
        figs = claim.figures
        if "rate" not in figs:
            continue
        found = rate_budget(claim)
        if found is None or figs[found[0]].value != 0:
            continue
        key, name = found
        final = figs.get("final")
        tally(check, claim, f"{claim.subject}{name}", "大于0", figs[key].text, "不符")
        if final is not None and final.value == 0 and figs["rate"].value == 0:
            continue  # 0 of 0 written as 0%: harmless
        check.report(Severity.ERROR, f"{claim.subject}{name}为0，完成率{figs['rate'].text}%无意义",
                     where(claim, "完成率"), "无定义", f"{figs['rate'].text}%", None)


@rule("N.budget_direction", "预决算比较用词（大于/小于/持平）与数字一致，完成率与决算、预算大小一致", BASIS_5, "narrative")
def budget_direction_words(check: Check) -> None:
    claims = [c for c in claims_of(check, ClaimKind.BUDGET) if "final" in c.figures]
    if not claims:
        raise NotApplicable("情况说明没有同时给出预算数和决算数")
    for claim in claims:
        figs = claim.figures
        found = compared_budget(claim)
        if found is None:
            continue
        key, name = found
        budget, final = figs[key].amount(), figs["final"].amount()
        slack = budget.half_step + final.half_step
        diff = final.value - budget.value
        actual = Direction.ABOVE if diff > slack else Direction.BELOW if diff < -slack else None  # None: equal in rounding
        word = claim.direction
        if word is not None:
            if word is Direction.ABOUT_EQUAL:
                ok = abs(diff) <= max(slack, abs(budget.value) * Decimal("0.05"))
            elif word is Direction.EQUAL:
                ok = abs(diff) <= slack
            elif word is Direction.ABOVE:  # possible unless the intervals say final ≤ budget
                ok = diff > -slack
            else:
                ok = diff < slack
            tally(check, claim, f"{claim.subject}决算与{name}的比较用词", actual.label if actual else "相等",
                  claim.direction_word or "", "相符" if ok else "不符")
            if not ok:
                relation = "大于" if diff > 0 else "小于" if diff < 0 else "等于"
                check.report(Severity.ERROR, f"{claim.subject}：决算{format_wan(final.value)}万元{relation}{name}"
                             f"{format_wan(budget.value)}万元，文中却说“{claim.direction_word}”",
                             where(claim), relation, claim.direction_word, format_wan(diff))
        if "difference" in figs:
            gap = figs["difference"].amount()
            checked(check, claim)
            check.compare(abs(diff), gap.value, slack + gap.half_step, what=f"{claim.subject}决算与{name}之差",
                          location=where(claim))
        if "rate" in figs and budget.value != 0 and rate_budget(claim) == found:
            rate = figs["rate"]
            wrong = (rate.value - rate.half_step > 100 and diff < -slack) or (rate.value + rate.half_step < 100 and diff > slack)
            tally(check, claim, f"{claim.subject}完成率与决算、{name}大小", "一致", f"{rate.text}%", "不符" if wrong else "相符")
            if wrong:
                check.report(Severity.ERROR, f"{claim.subject}：完成率{rate.text}%与决算、{name}的大小关系矛盾",
                             where(claim, "完成率"), "大于100%" if diff > 0 else "小于100%", f"{rate.text}%", None)
        if word is None and "rate" not in figs and "difference" not in figs:
            uncheckable(check, claim, "只列预算数和决算数，没有比较用词或完成率可核")


@rule("N.budget_sum", "各类支出年初预算之和＝年初预算总额", BASIS_5, "narrative")
def class_budgets_sum(check: Check) -> None:
    claims = [c for c in claims_of(check, ClaimKind.BUDGET) if c.table_id == "05" and "budget_initial" in c.figures]
    totals = [c for c in claims if c.subject in ("一般公共预算财政拨款支出", "一般公共预算财政拨款")]
    table = check.doc.table("05")
    classes = [c for c in claims if c not in totals]
    if table is not None:  # only class-level lines add up to the total (项 lines are finer)
        names = {r.label for r in table.coded_rows() if r.level == "类"}
        classes = [c for c in classes if c.subject in names and c.level in (None, "类")]
        if {c.subject for c in classes} != {r.label for r in table.coded_rows() if r.level == "类"
                                           and r.cell("total") and r.cell("total").has_money}:
            classes = []
    if not totals or not classes:
        raise NotApplicable("情况说明没有同时给出预算总额和全部各类预算")
    parts = [c.figures["budget_initial"].amount() for c in classes]
    total = totals[0].figures["budget_initial"].amount()
    checked(check, totals[0], *classes)
    check.sum_equals([(1, p) for p in parts], total, what="年初预算总额＝各类年初预算之和", location=where(totals[0], "年初预算"))
