"""Shares (占比): each against its denominator, and the shares of one list against 100%."""

from __future__ import annotations

import re
from decimal import Decimal

from juesuan.claims import Claim, ClaimKind
from juesuan.claims.resolve import resolve
from juesuan.claims.tokens import DENOMINATOR_SYNONYMS, GENERIC_DENOMINATORS
from juesuan.core.money import Amount, Interval
from juesuan.rules.base import Check, Severity, rule
from juesuan.rules.narrative.common import BASIS_5, checked, claims_of, skipped, where


# a prefix that makes a different total: 财政拨款支出合计 is not 支出合计
_QUALIFIED = re.compile(r"财政拨款|一般公共预算|政府性基金|国有资本|基本|项目|三公")


def _names(denominator: str) -> list[str]:
    """The subjects a written denominator may stand for: 总支出 -> 支出总计, 本年支出合计 -> 支出合计 …"""
    d = denominator.removeprefix("本部门").removeprefix("本单位")
    names = [d, DENOMINATOR_SYNONYMS.get(d, d), d.replace("合同", "")]  # 政府采购支出合同总额 = 政府采购支出总额
    return [n for i, n in enumerate(names) if n and n not in names[:i]]


def denominator_of(check: Check, claim: Claim) -> tuple[Amount, Claim | None] | None:
    """The amount a share is of: the list's lead, the total the sentence names (said earlier in the section,
    in the document, or printed in the table), else None."""
    claims = check.context.claims
    if claim.denominator is None:
        if claim.parts:
            lead = claim.parts[0]
            return lead.figures["amount"].amount(), lead
        # no list: the section's lead amount (its first), when it can contain this one
        lead = next((c for c in claims if c.kind is ClaimKind.AMOUNT and c.section == claim.section), None)
        if (lead is not None and lead.sentence < claim.sentence and "amount" in claim.figures
                and lead.figures["amount"].value >= claim.figures["amount"].value):
            return lead.figures["amount"].amount(), lead
        return None
    names = _names(claim.denominator)
    before = [c for c in claims if c.kind is ClaimKind.AMOUNT and c.section == claim.section
              and c.sentence <= claim.sentence]
    for name in names:
        for other in reversed(before):
            if other.subject == name or (len(name) >= 3 and other.subject.endswith(name)
                                         and not _QUALIFIED.search(other.subject[:-len(name)])):
                return other.figures["amount"].amount(), other
    if claim.parts and claim.denominator in GENERIC_DENOMINATORS:
        lead = claim.parts[0]  # 财政拨款支出总计X，其中基本支出Y，占总支出的Z%: the list's whole
        return lead.figures["amount"].amount(), lead
    for table_id in (claim.table_id, "01", "03", "05"):
        for name in names:
            target = resolve(check.doc, table_id, name)
            if target is not None:
                return target.amount, None
    return None


@rule("N.share", "占比＝该项金额÷所述（或上文总额）分母，按四舍五入区间判断", BASIS_5, "narrative")
def share_arithmetic(check: Check) -> None:
    for claim in claims_of(check, ClaimKind.SHARE):
        if "amount" not in claim.figures:
            skipped(check, claim, "找不到占比对应的金额")
            continue
        found = denominator_of(check, claim)
        if found is None:
            skipped(check, claim, f"找不到分母“{claim.denominator or '上文总额'}”")
            continue
        denominator, lead = found
        part = claim.figures["amount"].amount()
        pct = claim.figures["percent"]
        checked(check, claim)
        if denominator.value == 0 and part.value == 0:
            check.counted()  # 0 of 0 written as 0% (or 100%): nothing to hold against it
            check.log(f"{claim.subject}占比", "0/0", f"{pct.text}%", "", "", "相符", where(claim, "占比"))
            continue
        if claim.group is None:
            claim.group = f"lead:{id(lead)}" if lead is not None else f"{claim.section}:{claim.denominator}"
        check.percent(Interval.of(part), Interval.of(denominator), pct.value, pct.half_step,
                      point=(part.value, denominator.value), what=f"{claim.subject}占比", location=where(claim, "占比"))


@rule("N.share_total", "同一构成的各项占比之和为100%", BASIS_5, "narrative")
def shares_sum_to_100(check: Check) -> None:
    groups: dict[str, list[Claim]] = {}
    for claim in claims_of(check, ClaimKind.SHARE):
        found = denominator_of(check, claim) if "amount" in claim.figures else None
        if found is None:
            continue
        key = claim.group or (f"lead:{id(found[1])}" if found[1] is not None else f"{claim.section}:{claim.denominator}")
        groups.setdefault(key, []).append(claim)
    for members in groups.values():
        if len(members) < 2:
            continue
        denominator, _ = denominator_of(check, members[0])
        amounts = [m.figures["amount"].amount() for m in members]
        covered = sum((a.value for a in amounts), Decimal(0))
        slack = sum((a.half_step for a in amounts), denominator.half_step)
        complete = abs(covered - denominator.value) <= slack
        if not complete:
            continue  # the list names only some parts: its shares need not add to 100
        checked(check, *members)
        total = sum((m.figures["percent"].value for m in members), Decimal(0))
        envelope = sum((m.figures["percent"].half_step for m in members), Decimal(0))
        if denominator.value > 0:
            envelope += slack / denominator.value * 100
        check.counted()
        diff = total - 100
        verdict = "相符" if diff == 0 else "尾数误差" if abs(diff) <= envelope else "不符"
        where_ = where(members[-1], "占比")
        check.log("各项占比合计", "100%", f"{total}%", f"{diff}", f"±{envelope.quantize(Decimal('0.01'))}", verdict, where_)
        if diff == 0:
            continue
        if abs(diff) <= envelope:
            check.report(Severity.NOTE, f"各项占比合计{total}%，与100%的差在四舍五入范围内", where_, "100%", f"{total}%", f"{diff}")
            continue
        check.report(Severity.ERROR, f"各项占比合计{total}%，不等于100%（所列各项金额之和等于总额）", where_, "100%",
                     f"{total}%", f"{diff}")
