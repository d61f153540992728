"""Lists (其中 / 包括 / 主要用于 …): the parts against the whole, across sentences and lines."""

from __future__ import annotations

from decimal import Decimal

from juesuan.claims import Claim, ClaimKind
from juesuan.claims.tokens import EXHAUSTIVE_MARKERS, EXHAUSTIVE_SETS
from juesuan.core.money import Amount, format_wan
from juesuan.rules.base import Check, rule
from juesuan.rules.narrative.amounts import list_unit_slips
from juesuan.rules.narrative.common import BASIS_5, checked, claims_of, tally, where


def _exhaustive(claim: Claim) -> bool:
    """The list says it names every part: 分别为, or parts that make a whole on their own (基本/项目支出)."""
    if claim.marker in EXHAUSTIVE_MARKERS:
        return True
    subjects = [p.subject for p in claim.parts]
    return any(len(subjects) == len(words) and all(any(w in s for s in subjects) for w in words)
               for words in EXHAUSTIVE_SETS)


@rule("N.breakdown_sum", "所列各项之和＝总额（列全时）；任何时候不超过总额", BASIS_5, "narrative")
def breakdown_sum(check: Check) -> None:
    slipped = {id(lst) for lst, _, _ in list_unit_slips(check.context.claims)}
    for claim in claims_of(check, ClaimKind.BREAKDOWN):
        if id(claim) in slipped:
            checked(check, claim)
            continue  # one part in the wrong unit: N.unit reports it
        whole = claim.figures["amount"].amount()
        parts = [p.figures["amount"].amount() for p in claim.parts]
        checked(check, claim, *claim.parts)
        # parts read after the lead's sentence may belong to an enclosing list: a prefix that makes the
        # whole is the list; only the parts of the lead's own sentence are certainly its own
        running, envelope = Decimal(0), whole.half_step
        own_count = sum(1 for c in claim.parts if c.sentence == claim.sentence)
        for n, part in enumerate(parts, start=1):
            running += part.value
            envelope += part.half_step
            if n >= own_count and abs(running - whole.value) <= envelope:
                check.sum_equals([(1, p) for p in parts[:n]], whole, what=f"{claim.subject}＝所列{n}项之和",
                                 location=where(claim))
                break
        else:
            total = sum((p.value for p in parts), Decimal(0))
            envelope = sum((p.half_step for p in parts), whole.half_step)
            own = [p for p, c in zip(parts, claim.parts) if c.sentence == claim.sentence]
            if _exhaustive(claim) and len(parts) >= 2:
                check.sum_equals([(1, p) for p in parts], whole, what=f"{claim.subject}＝所列各项之和",
                                 location=where(claim))
            elif own:
                own_total = sum((p.value for p in own), Decimal(0))
                check.at_most(Amount(own_total, sum((p.half_step for p in own), Decimal(0)), format_wan(own_total)),
                              whole, what=f"{claim.subject}所列各项之和不超过总额", location=where(claim))
            else:
                tally(check, claim, f"{claim.subject}所列各项", format_wan(whole.value), format_wan(total), "部分列示")


@rule("N.count_parts", "数量的构成：“共有车辆N辆，其中……”各项之和＝总数", BASIS_5, "narrative")
def count_parts(check: Check) -> None:
    for claim in claims_of(check, ClaimKind.COUNT):
        if not claim.parts:
            continue
        checked(check, claim, *claim.parts)
        total = sum((p.figures["count"].value for p in claim.parts), Decimal(0))
        check.compare(claim.figures["count"].value, total, Decimal(0), what=f"{claim.subject}＝所列各类之和",
                      location=where(claim), unit=claim.figures["count"].unit)
